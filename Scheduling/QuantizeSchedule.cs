namespace QSparse.Scheduling;

/// <summary>
/// When a QuantizeLayer collects inputs and searches its decimal bits (SPEC §3), as a function of its
/// step counter n (the number of training forwards so far). Plain arithmetic, no tensors.
/// </summary>
public sealed class QuantizeSchedule
{
    /// <param name="timeout">The step at which the first decimal search happens.</param>
    /// <param name="interval">Steps between later searches after <paramref name="timeout"/>; ≤ 0 searches once.</param>
    /// <param name="windowSize">How many inputs the search sees, ≥ 1.</param>
    public QuantizeSchedule(int timeout, int interval, int windowSize)
    {
        if (windowSize < 1)
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "window_size must be at least 1");
        Timeout = timeout;
        Interval = interval;
        WindowSize = windowSize;
    }

    public int Timeout { get; }
    public int Interval { get; }
    public int WindowSize { get; }

    /// <summary>True when the input of step <paramref name="n"/> goes into the window: timeout - window_size &lt; n ≤ timeout.</summary>
    public bool ShouldCollect(int n) => Timeout - WindowSize < n && n <= Timeout;

    /// <summary>True when a step that does not collect empties the window (only searches after the timeout keep it).</summary>
    public bool ClearsIdleWindow => Interval <= 0;

    /// <summary>
    /// True when step <paramref name="n"/> searches the decimal bits (given a non-empty window and training
    /// or not yet quantized): the first search at the timeout, then every <see cref="Interval"/> steps when positive.
    /// </summary>
    public bool ShouldSearch(int n, bool quantized) =>
        (n == Timeout && !quantized) || (n > Timeout && Interval > 0 && (n - Timeout) % Interval == 0);
}
