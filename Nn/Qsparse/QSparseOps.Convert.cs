namespace QSparse.Nn;

public static partial class QSparseOps
{
    /// <summary>
    /// Applies a configured quantize or prune operator to a whole network, in place (QSPARSE's convert):
    /// to the weight of every layer whose type is in <paramref name="weightLayers"/>, and after the output of
    /// every layer whose type is in <paramref name="activationLayers"/> (the layer becomes
    /// <c>Sequential(layer, operator(null))</c>), and before the input when <paramref name="input"/>. Layers of
    /// each type are counted in depth-first order; <paramref name="excluded"/> indexes (negative from the end)
    /// are left alone. Names every quantize and prune layer afterwards.
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
        foreach (var type in weightLayers ?? [])
            foreach (var (_, _, layer) in Selected(model, type, excluded))
                op(layer);
        foreach (var type in activationLayers ?? [])
            foreach (var (parent, name, layer) in Selected(model, type, excluded))
                parent.ReplaceChild(name, new Sequential(layer, Activation(op)));
        var result = input ? new Sequential(Activation(op), model) : model;
        return AutoNamePruneQuantizeLayers(result);
    }

    static Module Activation(Func<Module?, Module> op) =>
        op(null) is QSparseLayer layer ? layer : throw new ArgumentException("the operator must return a quantize or prune layer when given null", nameof(op));

    /// <summary>Layers of <paramref name="type"/> in depth-first order with their parents, less the excluded indexes.</summary>
    static List<(Module Parent, string Name, Module Layer)> Selected(Module model, Type type, int[]? excluded)
    {
        if (!typeof(Module).IsAssignableFrom(type))
            throw new ArgumentException($"{type.Name} is not a module type", nameof(type));
        var byPath = model.NamedModules().ToDictionary(m => m.Name, m => m.Module);
        var found = new List<(Module, string, Module)>();
        foreach (var (path, m) in byPath)
            if (path.Length > 0 && type.IsInstanceOfType(m))
            {
                int dot = path.LastIndexOf('.');
                found.Add((byPath[dot < 0 ? "" : path[..dot]], path[(dot + 1)..], m));
            }
        var skip = (excluded ?? []).Select(i => i < 0 ? found.Count + i : i).ToHashSet();
        return found.Where((_, i) => !skip.Contains(i)).ToList();
    }
}
