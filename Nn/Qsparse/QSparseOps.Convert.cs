using Microsoft.Extensions.Logging;

namespace QSparse.Nn;

public static partial class QSparseOps
{
    /// <summary>
    /// Applies a configured quantize or prune operator to a whole network, in place (QSPARSE's convert):
    /// to the weight of every layer whose type is in <paramref name="weightLayers"/>, and after the output of
    /// every layer whose type is in <paramref name="activationLayers"/> (the layer becomes
    /// <c>Sequential(layer, operator(null))</c>, in its parent's registry and in the parent's fields, see
    /// <see cref="Module.SetSubmodule"/>), and before the input when <paramref name="input"/>. Layers of
    /// each type are counted in depth-first order, separately for the weight and the activation pass; the
    /// indexes given for a type in <paramref name="excludedWeights"/> / <paramref name="excludedActivations"/>
    /// (negative from the end) are left alone but still counted. A layer an earlier Convert wrapped counts as
    /// the layer and is wrapped whole (<c>Sequential(Sequential(ReLU, PruneLayer), QuantizeLayer)</c>, as the
    /// reference). Every wrapping is checked before anything changes: a parent field that cannot hold a
    /// Sequential is an error naming it. Names every quantize and prune layer afterwards.
    /// <para>
    /// NOTE: <paramref name="inplace"/> defaults to true (rewrite <paramref name="model"/> itself), where the
    /// reference's default is <c>inplace=False</c> (convert a deep copy): a copy duplicates every parameter and
    /// buffer in device memory, which here is only done when asked for.
    /// Its <c>log</c> defaults to true but goes to Python's <c>logging.info</c>, silent unless configured;
    /// <paramref name="log"/> defaults to false here because <see cref="QSparseOptions.Logger"/> prints.
    /// The reference matches a layer type by class name exactly; here a subclass matches too, so an abstract
    /// base (<c>typeof(BatchNorm)</c>, <c>typeof(ConvBase)</c>) selects every layer derived from it.
    /// </para>
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="op">
    /// The operator: given a module, wraps it (<c>m => Quantize(m, bits: 8)</c>); given null, returns the
    /// activation layer (<c>Quantize(bits: 8)</c>). E.g. <c>m => m is null ? Prune(sparsity: 0.5) : Prune(m, sparsity: 0.5)</c>.
    /// </param>
    /// <param name="weightLayers">Layer types whose weights get the operator, e.g. <c>[typeof(Conv2d)]</c>.</param>
    /// <param name="activationLayers">Layer types whose outputs get the operator.</param>
    /// <param name="input">Also apply the operator to the network's input.</param>
    /// <param name="excludedWeights">Per layer type, indexes of layers whose weights are skipped; -1 is the last, e.g. <c>[(typeof(Conv2d), [0])]</c>.</param>
    /// <param name="excludedActivations">Per layer type, indexes of layers whose outputs are skipped.</param>
    /// <param name="log">
    /// Log each decision through <see cref="QSparseOptions.Logger"/> in the reference's words
    /// (<c>Apply `quantize` on the .block1..conv1 weight</c>, <c>Exclude .stem weight</c>).
    /// </param>
    /// <param name="inplace">
    /// True: convert <paramref name="model"/> itself. False: convert <see cref="Module.DeepCopy"/> of it and
    /// leave <paramref name="model"/> unchanged (its tree, state and training continue as before).
    /// </param>
    /// <returns>The converted model, or <c>Sequential(op(null), model)</c> when <paramref name="input"/>.</returns>
    public static Module Convert(Module model, Func<Module?, Module> op, Type[]? weightLayers = null,
        Type[]? activationLayers = null, bool input = false, (Type Layer, int[] Indexes)[]? excludedWeights = null,
        (Type Layer, int[] Indexes)[]? excludedActivations = null, bool log = false, bool inplace = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(op);
        if (!inplace)
            model = model.DeepCopy();
        var weights = Selected(model, weightLayers, excludedWeights, nameof(excludedWeights));
        var activations = Selected(model, activationLayers, excludedActivations, nameof(excludedActivations));
        foreach (var layer in activations.Where(l => l.Apply))
            model.CheckReplaceable(layer.Path, typeof(Sequential));
        string name = log ? OperatorName(op) : "";
        foreach (var layer in weights)
        {
            Log(log, layer.Apply ? $"Apply `{name}` on the {layer.Scope} weight" : $"Exclude {layer.Scope} weight");
            if (layer.Apply)
                op(layer.Layer);
        }
        foreach (var layer in activations)
        {
            Log(log, layer.Apply ? $"Apply `{name}` on the {layer.Scope} activation" : $"Exclude {layer.Scope} activation");
            if (layer.Apply)
                model.Replace(layer.Path, new Sequential(layer.Target, Activation(op)), "wrapped by Convert");
        }
        var result = input ? new Sequential(Activation(op), model) : model;
        return AutoNamePruneQuantizeLayers(result);
    }

    static void Log(bool log, string message)
    {
        if (log)
            QSparseOptions.Logger.LogInformation("{Message}", message);
    }

    /// <summary>"quantize" or "prune", as the reference names its operator in the log.</summary>
    static string OperatorName(Func<Module?, Module> op) => Activation(op) is PruneLayer ? "prune" : "quantize";

    static Module Activation(Func<Module?, Module> op) =>
        op(null) is QSparseLayer layer ? layer : throw new ArgumentException("the operator must return a quantize or prune layer when given null", nameof(op));

    /// <summary>One layer a Convert pass met: its path, the layer, what an activation operator wraps, the reference's log scope, and whether it is converted.</summary>
    readonly record struct Found(string Path, Module Layer, Module Target, string Scope, bool Apply);

    /// <summary>
    /// The layers of <paramref name="types"/> in depth-first order (the types in the order met, as the
    /// reference's single walk), each marked excluded or not by its index among the layers of its type.
    /// </summary>
    static List<Found> Selected(Module model, Type[]? types, (Type Layer, int[] Indexes)[]? excluded, string excludedName)
    {
        types ??= [];
        foreach (var type in types)
            if (!typeof(Module).IsAssignableFrom(type))
                throw new ArgumentException($"{type.Name} is not a module type", nameof(types));
        foreach (var (type, _) in excluded ?? [])
            if (!types.Contains(type))
                throw new ArgumentException($"{type.Name} is excluded but not among the converted layer types", excludedName);
        var pathOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in model.NamedModules())
            pathOf.TryAdd(m, path);
        var found = new List<(string Path, Module Layer, Module Target, Type Type)>();
        foreach (var (path, m) in model.NamedModules())
            if (path.Length > 0 && pathOf[m] == path && types.FirstOrDefault(t => t.IsInstanceOfType(m)) is { } type)
            {
                var target = m;
                while (target.Wrapper is { } w && pathOf.ContainsKey(w))
                    target = w;
                found.Add((pathOf[target], m, target, type));
            }
        var counts = types.ToDictionary(t => t, t => found.Count(f => f.Type == t));
        var skip = (excluded ?? []).SelectMany(e => e.Indexes.Select(i => (e.Layer, i < 0 ? counts[e.Layer] + i : i))).ToHashSet();
        var seen = types.ToDictionary(t => t, _ => 0);
        return found.Select(f => new Found(f.Path, f.Layer, f.Target, Scope(f.Path), !skip.Contains((f.Type, seen[f.Type]++)))).ToList();
    }

    /// <summary>The reference's log name of a layer: each enclosing container adds ".name." (<c>.block1..conv1</c>).</summary>
    static string Scope(string path)
    {
        var parts = path.Split('.');
        return string.Concat(parts[..^1].Select(p => $".{p}.")) + "." + parts[^1];
    }
}
