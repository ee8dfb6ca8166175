namespace QSparse.Nn;

/// <summary>
/// ESPCN super-resolution (qsparse-examples espcn-sr/models.py, class ESPCN, its main branch) in every mode of
/// <see cref="QsparsePlan"/>: qin → first_part = [conv(C→64, 5, pad 2)[Q], tanh, q, conv(64→32, 3, pad 1)[P, Q],
/// p, tanh, q] → last_part = [conv(32→C·s², 3, pad 1)[Q], PixelShuffle(s)]. Input [N, C, H, W] → [N, C, s·H, s·W]
/// for any H, W. The QSPARSE operators are made as <see cref="PlanOperators"/> says, with no saturation and
/// activation pruners that are not strict (upstream's <c>strict=False</c>: evaluation on images larger than
/// the training crops tiles the masks). Slots the plan leaves empty are Identity, as upstream; the float
/// network has no QSPARSE layer. Weights: N(0, 0.001) for the last convolution, N(0, 2 / (out·kh·kw)) for the
/// others, biases zero, drawn from the generator (upstream picks the last one by in_channels == 32).
/// </summary>
public sealed class Espcn : Module
{
    readonly Module qin, firstPart, lastPart;

    /// <summary>The network for <paramref name="plan"/> (default: full precision), initialised from <paramref name="generator"/>.</summary>
    /// <param name="device">Where the parameters live; default <see cref="Defaults.Device"/>.</param>
    /// <param name="generator">The weights' random stream; default <see cref="Defaults.Generator"/>.</param>
    /// <param name="plan">What QSPARSE adds, and when.</param>
    /// <param name="scale">The upscaling factor s, ≥ 1.</param>
    /// <param name="channels">The image channels C, ≥ 1.</param>
    public Espcn(Device? device = null, Generator? generator = null, QsparsePlan? plan = null, int scale = 2, int channels = 1)
        : base(device)
    {
        if (scale < 1)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "ESPCN: scale must be at least 1");
        if (channels < 1)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "ESPCN: channels must be at least 1");
        Scale = scale;
        var ops = new PlanOperators(plan ?? new QsparsePlan(), Device, saturateRange: null, strict: false);
        var conv1 = new Conv2d(channels, 64, 5, padding: 2, device: Device, generator: generator);
        var conv2 = new Conv2d(64, 32, 3, padding: 1, device: Device, generator: generator);
        var conv3 = new Conv2d(32, channels * scale * scale, 3, padding: 1, device: Device, generator: generator);
        qin = RegisterModule("qin", ops.Q());
        firstPart = RegisterModule("first_part", new Sequential(
            ops.Weights(conv1, prune: false), new Tanh(Device), ops.Q(),
            ops.Weights(conv2, prune: true), ops.P(), new Tanh(Device), ops.Q()));
        lastPart = RegisterModule("last_part", new Sequential(ops.Weights(conv3, prune: false), new PixelShuffle(scale, Device)));
        foreach (var conv in new[] { conv1, conv2, conv3 })
        {
            var shape = conv.Weight.Shape;
            Init.Normal(conv.Weight, 0, conv == conv3 ? 0.001 : Math.Sqrt(2.0 / (shape[0] * shape[2] * shape[3])), generator);
            Init.Zeros(conv.Bias!);
        }
        QSparseOps.AutoNamePruneQuantizeLayers(this);
    }

    /// <summary>The upscaling factor s.</summary>
    public int Scale { get; }

    /// <summary>PyTorch's class name, for the printed form.</summary>
    public override string TypeName => "ESPCN";

    /// <summary>The network layer each activation operator acts on the output of (the input quantizer stands for the input).</summary>
    public static readonly IReadOnlyDictionary<string, string> OutputOf = new Dictionary<string, string>
    {
        ["qin"] = "input (qin)", ["first_part.2"] = "first_part.0", ["first_part.4"] = "first_part.3", ["first_part.6"] = "first_part.3",
    };

    /// <summary>x [N, C, H, W] → [N, C, s·H, s·W].</summary>
    public override Tensor Forward(Tensor input) => lastPart.Call(firstPart.Call(qin.Call(input)));
}
