namespace QSparse.Nn;

/// <summary>
/// pix2pix's U-Net generator (qsparse-examples cyclegan_pix2pix/models/networks.py, class UnetGenerator) in
/// every mode of <see cref="QsparsePlan"/>: qin, then <c>downs</c> nested <see cref="UnetSkipBlock"/>
/// levels with filters f, 2f, 4f, 8f, ..., 8f channels (the innermost reaches 1×1 for an input of 2^downs),
/// each level but the outermost concatenating its input with its output. Input [N, in, H, W] with H and W
/// divisible by 2^downs → [N, out, H, W] in [-1, 1] (Tanh). The QSPARSE operators are made as
/// <see cref="PlanOperators"/> says, with upstream's saturated activation quantization (quantiles 0.0001 and
/// 0.9999) and strict activation pruners (fixed image size); the outermost and innermost levels are never
/// pruned. Slots the plan leaves empty are Identity, as upstream; the float network has no QSPARSE layer.
/// Weights as upstream's init_weights (convolutions N(0, 0.02²), BatchNorm weights N(1, 0.02²), biases 0),
/// drawn from the generator, which the dropout layers also draw from.
/// NOTE: its QSPARSE layers are named after their module paths (AutoNamePruneQuantizeLayers; "model.model.4.qout"),
/// which depend on <c>downs</c>: it has no OutputOf table, and a layer table lists each activation
/// operator under its own path.
/// </summary>
public sealed class UnetGenerator : Module
{
    readonly Module qin, model;

    /// <summary>The generator for <paramref name="plan"/> (default: full precision), initialised from <paramref name="generator"/>.</summary>
    /// <param name="device">Where the parameters live; default <see cref="Defaults.Device"/>.</param>
    /// <param name="generator">The weights' and the dropout layers' random stream; default <see cref="Defaults.Generator"/>.</param>
    /// <param name="plan">What QSPARSE adds, and when.</param>
    /// <param name="inChannels">Channels of the input image.</param>
    /// <param name="outChannels">Channels of the output image.</param>
    /// <param name="downs">Levels (halvings), ≥ 5: upstream's unet_128 has 7, unet_256 8.</param>
    /// <param name="filters">f, the channels of the outermost level (upstream's ngf).</param>
    /// <param name="norm">The normalisation layers (pix2pix: batch).</param>
    /// <param name="dropout">Dropout(0.5) in the downs − 5 intermediate 8f levels (pix2pix: on).</param>
    public UnetGenerator(Device? device = null, Generator? generator = null, QsparsePlan? plan = null, int inChannels = 1,
        int outChannels = 1, int downs = 5, int filters = 64, NormKind norm = NormKind.Batch, bool dropout = true) : base(device)
    {
        if (inChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "UnetGenerator: inChannels must be at least 1");
        if (outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "UnetGenerator: outChannels must be at least 1");
        if (downs < 5 || downs > 30)
            throw new ArgumentOutOfRangeException(nameof(downs), downs, "UnetGenerator: downs must be in 5..30");
        if (filters < 1)
            throw new ArgumentOutOfRangeException(nameof(filters), filters, "UnetGenerator: filters must be at least 1");
        Downs = downs;
        var ops = new PlanOperators(plan ?? new QsparsePlan(), Device, saturateRange: (0.0001, 0.9999), strict: true);
        qin = RegisterModule("qin", ops.Q());
        UnetSkipBlock Level(int outer, int inner, UnetSkipBlock? inside, bool drop = false, int? input = null, bool outermost = false) =>
            new(outer, inner, input, inside, outermost, norm, drop, ops, Device, generator);
        int f = filters;
        var block = Level(8 * f, 8 * f, null);
        for (int i = 0; i < downs - 5; i++)
            block = Level(8 * f, 8 * f, block, drop: dropout);
        block = Level(f, 2 * f, Level(2 * f, 4 * f, Level(4 * f, 8 * f, block)));
        model = RegisterModule("model", Level(outChannels, f, block, input: inChannels, outermost: true));
        Pix2PixLayers.InitWeights(this, generator);
        QSparseOps.AutoNamePruneQuantizeLayers(this);
    }

    /// <summary>The number of levels: H and W must be divisible by 2^Downs.</summary>
    public int Downs { get; }

    /// <summary>x [N, in, H, W] (H, W divisible by 2^downs) → [N, out, H, W] in [-1, 1].</summary>
    public override Tensor Forward(Tensor input)
    {
        int size = 1 << Downs;
        if (input.Rank != 4 || input.Shape[2] % size != 0 || input.Shape[3] % size != 0)
            throw new ArgumentException(
                $"UnetGenerator: expected [N, C, H, W] with H and W divisible by 2^{Downs} = {size}, got {ShapeUtil.Format(input.Shape)}", nameof(input));
        return model.Call(qin.Call(input));
    }
}
