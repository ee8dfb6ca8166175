using QSparse.Scheduling;

namespace QSparse.Nn;

/// <summary>
/// QSPARSE's QuantizeLayer (SPEC §3): passes its input through until step <see cref="Timeout"/>, then
/// searches the decimal bits on a window of recent inputs and from then on outputs Q(x, bits, decimal),
/// per channel along <see cref="Channelwise"/>. As an activation layer (collapse 0) the window holds single
/// samples [1, ...]; as a weight transform (collapse -1) whole weights. Output has the input's shape.
/// State (float32 <c>decimal</c> [C], int32 <c>_n_updates</c> [1], int32 <c>bits</c> [], bool
/// <c>_quantized</c> [1]) is created at the first forward; see <see cref="QSparseLayer"/>.
/// </summary>
public sealed class QuantizeLayer : QSparseLayer
{
    readonly QuantizeSchedule schedule;
    bool quantized;

    /// <param name="bits">Total bits N, 2..31.</param>
    /// <param name="channelwise">The channel dimension with one decimal per channel; -1 for one decimal.</param>
    /// <param name="decimalRange">Candidate decimals [lo, hi), lo &lt; hi; default (0, 20).</param>
    /// <param name="saturateRange">Quantiles (q_l, q_u) the search clamps to, 0 ≤ q_l ≤ q_u ≤ 1; default (0, 1), none.</param>
    /// <param name="timeout">The step of the first decimal search.</param>
    /// <param name="interval">Steps between later searches; ≤ 0 searches once.</param>
    /// <param name="windowSize">Inputs the search sees, ≥ 1.</param>
    /// <param name="callback">How to quantize; default <see cref="LinearQuantizer"/>.</param>
    /// <param name="name">The name in log lines.</param>
    /// <param name="collapse">0 for activations (window of samples), -1 for weights (window of whole tensors).</param>
    /// <param name="device">Where the state lives; default <see cref="Defaults.Device"/>.</param>
    /// <param name="approxQuantileBound">
    /// Null (default): exact saturation quantiles. Else the reference's chunked approximation above this many
    /// elements per channel (its bound is <see cref="Statistics.ReferenceQuantileBound"/>), for the reference's
    /// decimals on huge activations: the layer uses <c>new LinearQuantizer(rounding, approxQuantileBound)</c>
    /// (the rounding of a given <see cref="LinearQuantizer"/> callback; another callback is an error).
    /// </param>
    public QuantizeLayer(int bits = 8, int channelwise = 1, (int Lo, int Hi)? decimalRange = null,
        (double Lower, double Upper)? saturateRange = null, int timeout = 1000, int interval = -1, int windowSize = 1,
        IQuantizeCallback? callback = null, string name = "", int collapse = 0, Device? device = null,
        int? approxQuantileBound = null)
        : base("Quantize", ["decimal", "_n_updates", "bits", "_quantized"], windowSize, name, device)
    {
        if (bits < 2 || bits > 31)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "bits must be in 2..31");
        var range = decimalRange ?? (0, 20);
        if (range.Lo >= range.Hi)
            throw new ArgumentOutOfRangeException(nameof(decimalRange), range, "decimal_range needs lo < hi");
        var saturate = saturateRange ?? (0, 1);
        if (!(0 <= saturate.Lower && saturate.Lower <= saturate.Upper && saturate.Upper <= 1))
            throw new ArgumentOutOfRangeException(nameof(saturateRange), saturate, "saturate_range needs 0 <= q_l <= q_u <= 1");
        if (collapse != 0 && collapse != -1)
            throw new ArgumentOutOfRangeException(nameof(collapse), collapse, "collapse must be 0 (activations) or -1 (weights)");
        schedule = new QuantizeSchedule(timeout, interval, windowSize);
        Bits = bits;
        Channelwise = channelwise;
        DecimalRange = range;
        SaturateRange = saturate;
        Collapse = collapse;
        Callback = approxQuantileBound is not { } bound ? callback ?? new LinearQuantizer()
            : callback is null or LinearQuantizer ? new LinearQuantizer((callback as LinearQuantizer)?.Rounding ?? Rounding.Truncate, bound)
            : throw new ArgumentException($"approxQuantileBound selects LinearQuantizer's approximate quantile; callback is a {callback.GetType().Name}", nameof(approxQuantileBound));
        LogCreated($"{Tag} bits={bits} channelwise={channelwise} window_size={windowSize} timeout={timeout}");
    }

    public int Bits { get; }

    /// <summary>The channel dimension (one decimal per channel), or -1 for a single decimal.</summary>
    public int Channelwise { get; }

    public (int Lo, int Hi) DecimalRange { get; }

    public (double Lower, double Upper) SaturateRange { get; }

    public int Timeout => schedule.Timeout;
    public int Interval => schedule.Interval;
    public int WindowSize => schedule.WindowSize;

    /// <summary>0 for activations, -1 for weights.</summary>
    public int Collapse { get; }

    public IQuantizeCallback Callback { get; }

    /// <summary>Decimal bits, float32 [C] (C = 1 without channel-wise quantization); the placeholder before the first forward.</summary>
    public Tensor Decimal => Slot("decimal")!;

    /// <summary>True once the decimal bits have been searched.</summary>
    public bool Quantized => Initialized && quantized;

    private protected override void CreateState(Tensor input)
    {
        if (Channelwise >= input.Rank)
            throw new ArgumentOutOfRangeException("channelwise", Channelwise,
                $"channelwise dimension {Channelwise} is beyond the input's rank {input.Rank} (shape {ShapeUtil.Format(input.Shape)})");
        int channels = Channelwise >= 0 ? input.Shape[Channelwise] : 1;
        RegisterBuffer("decimal", Tensor.Ones(Device, [channels]));
        RegisterBuffer("_n_updates", Tensor.Zeros(Device, [1], DType.Int32));
        RegisterBuffer("bits", Tensor.Full(Device, [], Bits, DType.Int32));
        RegisterBuffer("_quantized", Tensor.Zeros(Device, [1], DType.Bool));
        quantized = false;
    }

    /// <summary>decimal: float32 [C] of finite whole numbers; bits: this layer's; _quantized: bool [1].</summary>
    private protected override string? SlotProblem(string slot, HostTensor value) => slot switch
    {
        "decimal" => Expect(value, DType.Float32, [-1]) ?? NotWhole(value.AsFloats()),
        "bits" => Expect(value, DType.Int32, []) ?? (value.AsInts()[0] != Bits ? $"{value.AsInts()[0]} bits, this layer quantizes to {Bits}" : null),
        "_quantized" => Expect(value, DType.Bool, [1]),
        _ => null,
    };

    static string? NotWhole(float[] decimals)
    {
        foreach (var d in decimals)
            if (!float.IsFinite(d) || d != MathF.Round(d))
                return $"decimal {d} is not a whole number";
        return null;
    }

    private protected override void ReadMirrors() => quantized = Initialized && Slot("_quantized")!.Item() != 0;

    /// <summary>x [N, ...] (activations) or a weight → the same shape, quantized once the timeout has passed.</summary>
    public override Tensor Forward(Tensor input)
    {
        int n = Begin(input);
        if (schedule.ShouldCollect(n))
            Collect(input);
        else if (schedule.ClearsIdleWindow)
            Collected.Clear();
        if ((Training || !quantized) && Collected.Count > 0 && schedule.ShouldSearch(n, quantized))
        {
            using (var found = Callback.SearchDecimal(Collected.Items, Bits, Channelwise, DecimalRange, SaturateRange))
                Decimal.CopyFrom(found);
            LogDecision(DecimalMessage(), Collected.Count, WindowSize);
            Slot("_quantized")!.Fill(1);
            quantized = true;
            if (schedule.ClearsIdleWindow)
                Collected.Clear();
        }
        var output = quantized ? Callback.Quantize(input, Bits, Decimal, Channelwise) : input;
        Advance(n);
        return output;
    }

    void Collect(Tensor input)
    {
        using var noGrad = Autograd.NoGrad();
        if (Collapse == -1)
            Collected.Push(input.Clone());
        else
            for (int i = 0; i < Math.Min(WindowSize, input.Shape[0]); i++)
                Collected.Push(input.Slice(0, i, i + 1));
    }

    /// <summary>"[Quantize @ q] (channelwise) avg decimal = 7.166666507720947" or "[Quantize @ q] decimal = 6".</summary>
    string DecimalMessage()
    {
        var d = Decimal.ToArray<float>();
        if (Channelwise < 0)
            return $"{Tag} decimal = {(int)d[0]}";
        // NOTE: the mean is taken in float32, then printed as Python prints that value as a double.
        float mean = d.Sum() / d.Length;
        return $"{Tag} (channelwise) avg decimal = {PyRepr.Float(mean)}";
    }
}
