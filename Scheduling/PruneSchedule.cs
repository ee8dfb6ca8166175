namespace QSparse.Scheduling;

/// <summary>
/// When a PruneLayer collects inputs and recomputes its mask, and at which sparsity (SPEC §4):
/// Zhu &amp; Gupta's cubic ramp over the schedule points start + interval·(i + 1), i &lt; repetition.
/// Plain arithmetic on the step counter n, no tensors.
/// </summary>
public sealed class PruneSchedule
{
    /// <param name="sparsity">The final sparsity, in [0, 1).</param>
    /// <param name="start">The step after which pruning begins.</param>
    /// <param name="interval">Steps between mask updates, ≥ 1.</param>
    /// <param name="repetition">Number of mask updates, ≥ 1.</param>
    /// <param name="windowSize">How many inputs each update sees, ≥ 1.</param>
    /// <param name="strict">False collects only in training (the mask may then be expanded in evaluation).</param>
    public PruneSchedule(double sparsity, int start, int interval, int repetition, int windowSize, bool strict = true)
    {
        if (!(sparsity >= 0 && sparsity < 1))
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "sparsity must be in [0, 1)");
        if (interval < 1)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "interval must be at least 1");
        if (repetition < 1)
            throw new ArgumentOutOfRangeException(nameof(repetition), repetition, "repetition must be at least 1");
        if (windowSize < 1)
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "window_size must be at least 1");
        Sparsity = sparsity;
        Start = start;
        Interval = interval;
        Repetition = repetition;
        WindowSize = windowSize;
        Strict = strict;
        Points = Enumerable.Range(0, repetition).Select(i => start + interval * (i + 1)).ToArray();
    }

    public double Sparsity { get; }
    public int Start { get; }
    public int Interval { get; }
    public int Repetition { get; }
    public int WindowSize { get; }
    public bool Strict { get; }

    /// <summary>The steps at which the mask is recomputed: start + interval·(i + 1), i = 0 .. repetition - 1.</summary>
    public IReadOnlyList<int> Points { get; }

    /// <summary>
    /// The reference's should_prune: true when the input of step <paramref name="n"/> goes into the window,
    /// i.e. some schedule point s has 0 ≤ s - n ≤ window_size (and, when not strict, only in training).
    /// </summary>
    public bool ShouldCollect(int n, bool training) =>
        (Strict || training) && Points.Any(s => s - n >= 0 && s - n <= WindowSize);

    /// <summary>
    /// True when step <paramref name="n"/> recomputes the mask: after the start, on an interval boundary,
    /// in training, with a non-empty window, while the current sparsity is below the target.
    /// NOTE: the comparison is in float32, as the reference compares its float32 tensor with the target,
    /// so a target such as 0.7 (0.699999988 in float32) counts as reached once stored.
    /// </summary>
    public bool ShouldUpdateMask(int n, float currentSparsity, bool training, bool windowHasData) =>
        n > Start && currentSparsity < (float)Sparsity && training && windowHasData && (n - Start) % Interval == 0;

    /// <summary>
    /// The sparsity at step <paramref name="n"/>: sparsity·(1 - (1 - (n - start)/(interval·repetition))³).
    /// NOTE: computed in double and rounded once to float32, as the reference stores it in a float32 tensor.
    /// </summary>
    public float SparsityAt(int n)
    {
        double ratio = Math.Pow(1 - (double)(n - Start) / (Interval * Repetition), 3);
        return (float)(Sparsity * (1 - ratio));
    }
}
