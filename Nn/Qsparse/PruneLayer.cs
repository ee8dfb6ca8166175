using System.Globalization;
using QSparse.Scheduling;
using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// QSPARSE's PruneLayer (SPEC §4): multiplies its input by a bool mask that is recomputed from a window
/// of recent |x| at the schedule points start + interval·(i + 1), with Zhu &amp; Gupta's cubic sparsity ramp.
/// As an activation layer (collapse 0) the mask covers one sample ([C, H, W] for x [N, C, H, W]); as a
/// weight transform (collapse -1) the whole weight. Output has the input's shape. State (bool <c>mask</c>,
/// int32 <c>_n_updates</c> [1], float32 <c>_cur_sparsity</c> [1]) is created at the first forward.
/// </summary>
public sealed class PruneLayer : QSparseLayer
{
    readonly PruneSchedule schedule;
    float currentSparsity;

    /// <param name="sparsity">The final fraction of zeros, in [0, 1).</param>
    /// <param name="start">The step after which pruning begins.</param>
    /// <param name="interval">Steps between mask updates, ≥ 1.</param>
    /// <param name="repetition">Number of mask updates, ≥ 1.</param>
    /// <param name="windowSize">Inputs each update sees, ≥ 1.</param>
    /// <param name="strict">False lets evaluation take larger inputs (the mask is tiled, centred) and collects only in training.</param>
    /// <param name="callback">How to compute the mask; default <see cref="UnstructuredPruneCallback"/>.</param>
    /// <param name="collapse">The batch dimension of activations (0), or -1 for weights.</param>
    /// <param name="name">The name in log lines.</param>
    /// <param name="device">Where the state lives; default <see cref="Defaults.Device"/>.</param>
    public PruneLayer(double sparsity = 0.5, int start = 1000, int interval = 1000, int repetition = 4, int windowSize = 1,
        bool strict = true, IPruneCallback? callback = null, int collapse = 0, string name = "", Device? device = null)
        : base("Prune", ["mask", "_n_updates", "_cur_sparsity"], windowSize, name, device)
    {
        schedule = new PruneSchedule(sparsity, start, interval, repetition, windowSize, strict);
        Collapse = collapse;
        Callback = callback ?? new UnstructuredPruneCallback();
        LogCreated($"{Tag} start = {start} interval = {interval} repetition = {repetition} sparsity = {PyRepr.Float(sparsity)} " +
            $"window_size = {windowSize} collapse = {collapse} ");
    }

    public double Sparsity => schedule.Sparsity;
    public int Start => schedule.Start;
    public int Interval => schedule.Interval;
    public int Repetition => schedule.Repetition;
    public int WindowSize => schedule.WindowSize;
    public bool Strict => schedule.Strict;

    /// <summary>The batch dimension of activations, or -1 for weights.</summary>
    public int Collapse { get; }

    public IPruneCallback Callback { get; }

    /// <summary>The bool mask (the placeholder before the first forward).</summary>
    public Tensor Mask => Slot("mask")!;

    /// <summary>The sparsity reached so far (0 before the first update).</summary>
    public float CurrentSparsity => Initialized ? currentSparsity : 0;

    private protected override void CreateState(Tensor input)
    {
        if (Collapse >= input.Rank)
            throw new ArgumentOutOfRangeException("collapse", Collapse,
                $"collapse dimension {Collapse} is beyond the input's rank {input.Rank} (shape {ShapeUtil.Format(input.Shape)})");
        using (Autograd.NoGrad())
        using (var scope = new TensorScope())
        {
            var template = Collapse >= 0 ? input.Mean(Collapse) : input.Detach();
            var mask = Callback.ComputeMask([template], 0, null);
            RegisterBuffer("mask", scope.MoveToOuter(mask));
        }
        RegisterBuffer("_n_updates", Tensor.Zeros(Device, [1], DType.Int32));
        RegisterBuffer("_cur_sparsity", Tensor.Zeros(Device, [1]));
        currentSparsity = 0;
    }

    /// <summary>mask: bool, of any shape here (its fit to the input is checked at the forward); _cur_sparsity: float32 [1] in [0, 1].</summary>
    private protected override string? SlotProblem(string slot, HostTensor value) => slot switch
    {
        "mask" => value.DType != DType.Bool || value.Shape.Length == 0 ? $"{Describe(value)}, expected a bool mask" : null,
        "_cur_sparsity" => Expect(value, DType.Float32, [1]) ?? (value.AsFloats()[0] is var p and not (>= 0 and <= 1) ? $"a sparsity of {p}, expected one in [0, 1]" : null),
        _ => null,
    };

    private protected override void ReadMirrors() => currentSparsity = Initialized ? (float)Slot("_cur_sparsity")!.Item() : 0;

    /// <summary>x [N, ...] (activations) or a weight → x·mask, of x's shape.</summary>
    public override Tensor Forward(Tensor input)
    {
        int n = Begin(input);
        if (schedule.ShouldCollect(n, Training))
            Collect(input);
        if (schedule.ShouldUpdateMask(n, currentSparsity, Training, Collected.Count > 0))
        {
            currentSparsity = schedule.SparsityAt(n);
            Slot("_cur_sparsity")!.Fill(currentSparsity);
            if (currentSparsity > 0)
            {
                using (var mask = Callback.ComputeMask(Collected.Items, currentSparsity, Mask))
                    Mask.CopyFrom(mask);
                LogDecision(PrunedMessage(n), Collected.Count, WindowSize);
                if (!schedule.ShouldCollect(n + 1, Training))
                    Collected.Clear();
            }
        }
        Advance(n);
        if (Strict || Training)
            return input.MaskedBy(CheckedBroadcast(input.Shape).To(DType.Float32), "Prune");
        using var expanded = ExpandedMask(input.Shape);
        return input.MaskedBy(expanded.To(DType.Float32), "Prune");
    }

    void Collect(Tensor input)
    {
        using var noGrad = Autograd.NoGrad();
        if (Collapse < 0)
        {
            Collected.Push(input.Clone());
            return;
        }
        for (int i = 0; i < Math.Min(WindowSize, input.Shape[Collapse]); i++)
        {
            using var sample = input.Slice(Collapse, i, i + 1);
            using var squeezed = sample.Squeeze(Collapse);
            Collected.Push(squeezed.Clone());
        }
    }

    /// <summary>"[Prune @ p] [Step 210] active 0.72, pruned 0.28, window_size = 1".</summary>
    string PrunedMessage(int n)
    {
        var mask = Mask.ToArray<bool>();
        float active = (float)mask.Count(b => b) / mask.Length;
        var inv = CultureInfo.InvariantCulture;
        return $"{Tag} [Step {n}] active {((double)active).ToString("F2", inv)}, pruned {(1 - (double)active).ToString("F2", inv)}, window_size = {WindowSize}";
    }

    /// <summary>The mask, if it broadcasts to <paramref name="shape"/>; else PyTorch's expand error naming both shapes.</summary>
    Tensor CheckedBroadcast(int[] shape)
    {
        var mask = Mask;
        for (int i = 1; i <= mask.Rank; i++)
        {
            int m = mask.Shape[^i], x = i <= shape.Length ? shape[^i] : -1;
            if (m != 1 && m != x)
                throw new InvalidOperationException(
                    $"The expanded size of the tensor ({x}) must match the existing size ({m}) at non-singleton dimension {shape.Length - i}.  " +
                    $"Target sizes: {ShapeUtil.Format(shape)}.  Tensor sizes: {ShapeUtil.Format(mask.Shape)}");
        }
        return mask;
    }

    /// <summary>
    /// strict = false in evaluation: the mask (given a batch dimension if it lacks one) tiled
    /// floor(x / mask) times along every non-batch dimension and centred in an all-true mask of x's shape, on the device.
    /// </summary>
    Tensor ExpandedMask(int[] shape)
    {
        var mshape = Mask.Rank < shape.Length ? [1, .. Mask.Shape] : Mask.Shape;
        if (mshape.Length != shape.Length)
            throw new InvalidOperationException($"cannot expand a mask of shape {ShapeUtil.Format(Mask.Shape)} to {ShapeUtil.Format(shape)}");
        var tiling = MaskTiling.Create(mshape, shape);
        var expanded = Tensor.Empty(Device, shape, DType.Bool);
        MaskKernels.Tile(Device, Mask.Bool, expanded.Bool, tiling);
        return expanded;
    }
}
