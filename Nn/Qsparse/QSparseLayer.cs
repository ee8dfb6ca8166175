using Microsoft.Extensions.Logging;

namespace QSparse.Nn;

/// <summary>
/// What QuantizeLayer and PruneLayer share: the name used in log lines, the step counter
/// <c>_n_updates</c>, the window of collected inputs, and lazily shaped state. Until the first forward
/// every state tensor is a placeholder int32 scalar -1 (as in the reference); loading a checkpoint before
/// that adopts the checkpoint's shapes instead of failing.
/// The device state is authoritative (it is what state dicts hold), but the counters a forward decides on
/// are mirrored on the host, so a training step reads nothing back from the device: forwards write the
/// mirrors through to the device, and <see cref="Module.LoadStateDict"/> reads them back.
/// NOTE: writing the state tensors of <see cref="Module.StateDict"/> in place bypasses the mirrors; load state with LoadStateDict.
/// </summary>
public abstract class QSparseLayer : Module
{
    readonly string kind;
    readonly string[] stateNames;
    int nUpdates;

    /// <param name="kind">"Quantize" or "Prune", the tag of the log lines.</param>
    /// <param name="stateNames">The buffers, in state-dict order; all must include "_n_updates".</param>
    /// <param name="windowSize">The capacity of the window of collected inputs.</param>
    /// <param name="name">The name shown in log lines (see <see cref="QSparseOps.AutoNamePruneQuantizeLayers"/>).</param>
    /// <param name="device">Where the state lives.</param>
    private protected QSparseLayer(string kind, string[] stateNames, int windowSize, string name, Device? device) : base(device)
    {
        this.kind = kind;
        this.stateNames = stateNames;
        Collected = new TensorWindow(windowSize);
        Name = name;
        foreach (var s in stateNames)
            RegisterBuffer(s, Placeholder());
    }

    /// <summary>The FIFO of recent inputs the next decision is taken on.</summary>
    private protected TensorWindow Collected { get; }

    /// <summary>The collected inputs, oldest first (owned by the layer: valid until its next training forward).</summary>
    public IReadOnlyList<Tensor> Window => Collected.Items;

    /// <summary>
    /// Replaces the window with copies of <paramref name="items"/>, oldest first (a checkpoint's saved
    /// <see cref="Window"/>); the caller keeps its tensors.
    /// </summary>
    public void RestoreWindow(IEnumerable<Tensor> items)
    {
        var source = items.ToList();
        if (source.Count > Collected.Capacity)
            throw new ArgumentException($"{Tag} a window of {source.Count} tensors does not fit window_size = {Collected.Capacity}", nameof(items));
        Collected.Clear();
        using var noGrad = Autograd.NoGrad();
        foreach (var t in source)
            Collected.Push(t.Clone());
    }

    /// <summary>The name in log lines: "[Quantize @ conv.quantize]" (or "[Quantize]" when empty).</summary>
    public string Name { get; set; }

    /// <summary>False until the first forward (or a checkpoint load) gives the state its shapes.</summary>
    public bool Initialized => Slot("_n_updates")!.Rank == 1;

    /// <summary>The number of training forwards so far (0 before the first).</summary>
    public int NUpdates => nUpdates;

    Tensor Placeholder() => Tensor.Full(Device, [], -1, DType.Int32);

    /// <summary>Replaces the placeholders with real state shaped for <paramref name="input"/> (first forward only).</summary>
    private protected abstract void CreateState(Tensor input);

    /// <summary>Makes the state on the first forward and returns the step counter n.</summary>
    private protected int Begin(Tensor input)
    {
        if (!Initialized)
        {
            foreach (var s in stateNames)
                Slot(s)!.Dispose();
            CreateState(input);
            nUpdates = 0;
        }
        return nUpdates;
    }

    /// <summary>n += 1 in training mode, on the host and in place on the device (the state dict holds that tensor).</summary>
    private protected void Advance(int n)
    {
        if (!Training)
            return;
        nUpdates = n + 1;
        Slot("_n_updates")!.Fill(nUpdates);
    }

    /// <summary>Re-reads the host mirrors from the device state a load has just replaced or overwritten.</summary>
    protected sealed override void OnStateLoaded()
    {
        nUpdates = Initialized ? (int)Slot("_n_updates")!.Item() : 0;
        ReadMirrors();
    }

    /// <summary>Re-reads a subclass's host mirrors from its device state (after a load; not called in training).</summary>
    private protected abstract void ReadMirrors();

    private protected string Tag => Name.Length == 0 ? $"[{kind}]" : $"[{kind} @ {Name}]";

    private protected static void LogCreated(string message)
    {
        if (QSparseOptions.LogOnCreated)
            QSparseOptions.Logger.LogInformation("{Message}", message);
    }

    /// <summary>Logs a training event, and warns when the decision saw fewer inputs than the window holds.</summary>
    private protected void LogDecision(string message, int windowCount, int windowSize)
    {
        if (!QSparseOptions.LogDuringTrain)
            return;
        QSparseOptions.Logger.LogInformation("{Message}", message);
        if (windowCount < windowSize)
            QSparseOptions.Logger.LogWarning("{Message}",
                $"{Tag} window is not full: decided on {windowCount} of window_size = {windowSize} tensors");
    }

    /// <summary>
    /// A checkpoint's state for this layer must be one it could have saved: every slot the placeholder (int32 [] = -1, a
    /// layer that had not run) when <c>_n_updates</c> is, else <c>_n_updates</c> an int32 [1] count ≥ 0 and each slot
    /// as <see cref="SlotProblem"/> requires. Shapes that depend on the input are checked at the first forward.
    /// </summary>
    protected sealed override (string Slot, string Problem)? InvalidState(IReadOnlyDictionary<string, HostTensor> incoming)
    {
        bool unrun = incoming.TryGetValue("_n_updates", out var n) && IsPlaceholder(n);
        foreach (var (slot, value) in incoming)
        {
            string? problem = unrun
                ? IsPlaceholder(value) ? null : $"{Describe(value)}, but '_n_updates' is the placeholder of a layer that has not run (int32 [] = -1)"
                : slot == "_n_updates" ? Expect(value, DType.Int32, [1]) ?? (value.AsInts()[0] < 0 ? $"a step count of {value.AsInts()[0]}, expected >= 0" : null)
                : n == null && IsPlaceholder(value) ? null
                : SlotProblem(slot, value);
            if (problem != null)
                return (slot, problem);
        }
        return null;
    }

    /// <summary>What is wrong with <paramref name="value"/> for <paramref name="slot"/> of a layer that has run, or null.</summary>
    private protected abstract string? SlotProblem(string slot, HostTensor value);

    static bool IsPlaceholder(HostTensor t) => t.DType == DType.Int32 && t.Shape.Length == 0 && t.AsInts()[0] == -1;

    /// <summary>Null when <paramref name="value"/> is <paramref name="dtype"/> of <paramref name="shape"/> (any shape of that rank's when a size is -1), else what it is instead.</summary>
    private protected static string? Expect(HostTensor value, DType dtype, int[] shape) =>
        value.DType == dtype && value.Shape.Length == shape.Length && shape.Zip(value.Shape).All(p => p.First < 0 || p.First == p.Second)
            ? null
            : $"{Describe(value)}, expected {dtype.TorchName()} {ShapeUtil.Format(shape).Replace("-1", "N")}";

    private protected static string Describe(HostTensor value) => $"{value.DType.TorchName()} {ShapeUtil.Format(value.Shape)}";

    /// <summary>Adopts a checkpoint's value for a slot that still holds its placeholder.</summary>
    /// <remarks>NOTE: "bits" is an int32 scalar in both forms, so it never reaches here: it is simply copied.</remarks>
    protected override bool AdoptShape(string slot, HostTensor value)
    {
        var current = Slot(slot)!;
        if (!stateNames.Contains(slot) || current.Rank != 0 || current.DType != DType.Int32)
            return false;
        ReplaceSlot(slot, value);
        return true;
    }
}
