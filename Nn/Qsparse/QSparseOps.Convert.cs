namespace QSparse.Nn;

public static partial class QSparseOps
{
    /// <summary>
    /// Applies a configured quantize or prune operator to a whole network, in place (QSPARSE's convert):
    /// to the weight of every layer whose type is in <paramref name="weightLayers"/>, and after the output of
    /// every layer whose type is in <paramref name="activationLayers"/> (the layer becomes
    /// <c>Sequential(layer, operator(null))</c>, in its parent's registry and in the parent's fields, see
    /// <see cref="Module.SetSubmodule"/>), and before the input when <paramref name="input"/>. Layers of
    /// each type are counted in depth-first order; <paramref name="excluded"/> indexes (negative from the end)
    /// are left alone. A layer an earlier Convert wrapped counts as the layer and is wrapped whole
    /// (<c>Sequential(Sequential(ReLU, PruneLayer), QuantizeLayer)</c>, as the reference). Every wrapping is
    /// checked before anything changes: a parent field that cannot hold a Sequential is an error naming it.
    /// Names every quantize and prune layer afterwards.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="op">
    /// The operator: given a module, wraps it (<c>m => Quantize(m, bits: 8)</c>); given null, returns the
    /// activation layer (<c>Quantize(bits: 8)</c>). E.g. <c>m => m is null ? Prune(sparsity: 0.5) : Prune(m, sparsity: 0.5)</c>.
    /// </param>
    /// <param name="weightLayers">Layer types whose weights get the operator, e.g. <c>[typeof(Conv2d)]</c>.</param>
    /// <param name="activationLayers">Layer types whose outputs get the operator.</param>
    /// <param name="input">Also apply the operator to the network's input.</param>
    /// <param name="excluded">Indexes, per type, of layers to skip; -1 is the last.</param>
    /// <returns>The model, or <c>Sequential(op(null), model)</c> when <paramref name="input"/>.</returns>
    public static Module Convert(Module model, Func<Module?, Module> op, Type[]? weightLayers = null,
        Type[]? activationLayers = null, bool input = false, int[]? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(op);
        foreach (var type in activationLayers ?? [])
            foreach (var (path, _, _) in Selected(model, type, excluded))
                model.CheckReplaceable(path, typeof(Sequential));
        foreach (var type in weightLayers ?? [])
            foreach (var (_, layer, _) in Selected(model, type, excluded))
                op(layer);
        foreach (var type in activationLayers ?? [])
            foreach (var (path, _, target) in Selected(model, type, excluded))
                model.Replace(path, new Sequential(target, Activation(op)), "wrapped by Convert");
        var result = input ? new Sequential(Activation(op), model) : model;
        return AutoNamePruneQuantizeLayers(result);
    }

    static Module Activation(Func<Module?, Module> op) =>
        op(null) is QSparseLayer layer ? layer : throw new ArgumentException("the operator must return a quantize or prune layer when given null", nameof(op));

    /// <summary>
    /// Layers of <paramref name="type"/> in depth-first order, less the excluded indexes, each with what an
    /// activation operator wraps: the layer, or the outermost wrapper an earlier rewrite put around it, and its path.
    /// </summary>
    static List<(string Path, Module Layer, Module Target)> Selected(Module model, Type type, int[]? excluded)
    {
        if (!typeof(Module).IsAssignableFrom(type))
            throw new ArgumentException($"{type.Name} is not a module type", nameof(type));
        var pathOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in model.NamedModules())
            pathOf.TryAdd(m, path);
        var found = new List<(string, Module, Module)>();
        foreach (var (path, m) in model.NamedModules())
            if (path.Length > 0 && type.IsInstanceOfType(m) && pathOf[m] == path)
            {
                var target = m;
                while (target.Wrapper is { } w && pathOf.ContainsKey(w))
                    target = w;
                found.Add((pathOf[target], m, target));
            }
        var skip = (excluded ?? []).Select(i => i < 0 ? found.Count + i : i).ToHashSet();
        return found.Where((_, i) => !skip.Contains(i)).ToList();
    }
}
