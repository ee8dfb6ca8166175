using Microsoft.Extensions.Logging;

namespace QSparse.Nn;

/// <summary>
/// What QuantizeLayer and PruneLayer share: the name used in log lines, the step counter
/// <c>_n_updates</c>, and lazily shaped state. Until the first forward every state tensor is a
/// placeholder int32 scalar -1 (as in the reference); loading a checkpoint before that adopts the
/// checkpoint's shapes instead of failing.
/// </summary>
public abstract class QSparseLayer : Module
{
    readonly string kind;
    readonly string[] stateNames;

    /// <param name="kind">"Quantize" or "Prune", the tag of the log lines.</param>
    /// <param name="stateNames">The buffers, in state-dict order; all must include "_n_updates".</param>
    /// <param name="name">The name shown in log lines (see <see cref="QSparseOps.AutoNamePruneQuantizeLayers"/>).</param>
    /// <param name="device">Where the state lives.</param>
    private protected QSparseLayer(string kind, string[] stateNames, string name, Device? device) : base(device)
    {
        this.kind = kind;
        this.stateNames = stateNames;
        Name = name;
        foreach (var s in stateNames)
            RegisterBuffer(s, Placeholder());
    }

    /// <summary>The name in log lines: "[Quantize @ conv.quantize]" (or "[Quantize]" when empty).</summary>
    public string Name { get; set; }

    /// <summary>False until the first forward (or a checkpoint load) gives the state its shapes.</summary>
    public bool Initialized => Slot("_n_updates")!.Rank == 1;

    /// <summary>The number of training forwards so far (0 before the first).</summary>
    public int NUpdates => Initialized ? (int)Slot("_n_updates")!.Item() : 0;

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
        }
        return (int)Slot("_n_updates")!.Item();
    }

    /// <summary>n += 1 in training mode, in place (the state dict holds this tensor).</summary>
    private protected void Advance(int n)
    {
        if (Training)
            Slot("_n_updates")!.Fill(n + 1);
    }

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
