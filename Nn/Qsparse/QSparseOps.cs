namespace QSparse.Nn;

/// <summary>
/// QSPARSE's entry points, spelled as in Python with <c>using static QSparse.Nn.QSparseOps;</c>:
/// <c>Quantize(new Conv2d(1, 32, 3), bits: 8)</c> quantizes a layer's weight, <c>Prune(sparsity: 0.5)</c>
/// makes an activation pruning layer, <see cref="AutoNamePruneQuantizeLayers"/> names them for the logs.
/// </summary>
public static partial class QSparseOps
{
    /// <summary>A standalone activation quantizer (collapse 0); see <see cref="QuantizeLayer"/> for the parameters.</summary>
    public static QuantizeLayer Quantize(int bits = 8, int channelwise = 1, (int Lo, int Hi)? decimalRange = null,
        (double Lower, double Upper)? saturateRange = null, int timeout = 1000, int interval = -1, int windowSize = 1,
        IQuantizeCallback? callback = null, string name = "", Device? device = null, int? approxQuantileBound = null) =>
        new(bits, channelwise, decimalRange, saturateRange, timeout, interval, windowSize, callback, name, collapse: 0, device,
            approxQuantileBound);

    /// <summary>
    /// Returns <paramref name="module"/> itself with its weight quantized on every forward (child "quantize",
    /// collapse -1) and, when <paramref name="biasBits"/> is not -1, its bias too (child "quantize_bias",
    /// channel-wise along dim 0 when <paramref name="channelwise"/> ≥ 0). The raw parameters keep full
    /// precision and receive the (straight-through) gradients. Other parameters as <see cref="QuantizeLayer"/>.
    /// </summary>
    public static T Quantize<T>(T module, int bits = 8, int channelwise = 1, (int Lo, int Hi)? decimalRange = null,
        (double Lower, double Upper)? saturateRange = null, int timeout = 1000, int interval = -1, int windowSize = 1,
        int biasBits = -1, IQuantizeCallback? callback = null, string name = "", int? approxQuantileBound = null) where T : Module
    {
        RequireWeight(module, "quantize");
        if (biasBits != -1 && !module.HasParameter("bias"))
            throw new ArgumentException($"bias_bits = {biasBits} but {module.TypeName} has no bias", nameof(biasBits));
        module.AddParameterTransform("weight", "quantize", new QuantizeLayer(bits, channelwise, decimalRange, saturateRange,
            timeout, interval, windowSize, callback, name, collapse: -1, module.Device, approxQuantileBound));
        if (biasBits != -1)
            module.AddParameterTransform("bias", "quantize_bias", new QuantizeLayer(biasBits, channelwise >= 0 ? 0 : -1,
                decimalRange, saturateRange, timeout, interval, windowSize, callback, name, collapse: -1, module.Device, approxQuantileBound));
        return module;
    }

    /// <summary>A standalone activation pruning layer (collapse 0); see <see cref="PruneLayer"/> for the parameters.</summary>
    public static PruneLayer Prune(double sparsity = 0.5, int start = 1000, int interval = 1000, int repetition = 4,
        int windowSize = 1, bool strict = true, IPruneCallback? callback = null, int collapse = 0, string name = "",
        Device? device = null) =>
        new(sparsity, start, interval, repetition, windowSize, strict, callback, collapse, name, device);

    /// <summary>
    /// Returns <paramref name="module"/> itself with its weight pruned on every forward (child "prune",
    /// collapse -1); the bias is never pruned. Other parameters as <see cref="PruneLayer"/>.
    /// </summary>
    public static T Prune<T>(T module, double sparsity = 0.5, int start = 1000, int interval = 1000, int repetition = 4,
        int windowSize = 1, bool strict = true, IPruneCallback? callback = null, string name = "") where T : Module
    {
        RequireWeight(module, "prune");
        module.AddParameterTransform("weight", "prune", new PruneLayer(sparsity, start, interval, repetition, windowSize,
            strict, callback, collapse: -1, name, module.Device));
        return module;
    }

    /// <summary>Names every quantize and prune layer in <paramref name="model"/> after its module path ("conv.quantize", "2"); returns the model.</summary>
    public static T AutoNamePruneQuantizeLayers<T>(T model) where T : Module
    {
        foreach (var (path, m) in model.NamedModules())
            if (m is QSparseLayer layer)
                layer.Name = path;
        return model;
    }

    static void RequireWeight(Module module, string operation)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!module.HasParameter("weight"))
            throw new ArgumentException($"{operation} needs a module with a 'weight' parameter, got {module.TypeName}", nameof(module));
    }
}
