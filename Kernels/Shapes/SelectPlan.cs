namespace QSparse.Kernels;

/// <summary>
/// How radix selection (<see cref="SelectionKernels"/>) histograms its passes, decided from the shape alone.
/// CPUs: one global histogram copy per thread where they fit, so plain increments replace atomics. GPUs: when the
/// R ranks' histograms (R·256 ints) fit in <see cref="MaxSharedBytes"/>, every group counts its keys in shared
/// memory and adds its nonzero bins to the one global histogram, so a pass costs at most R·256 global atomics
/// per group instead of one per key per rank; with more ranks, up to 16 global copies spread the per-key atomics.
/// </summary>
/// <param name="Segments">Rows selected from, each on its own.</param>
/// <param name="Length">Keys per row.</param>
/// <param name="Ranks">R: the ranks selected in every row.</param>
/// <param name="Copies">Global histogram copies (1 on the shared path).</param>
/// <param name="Exclusive">Every thread owns its copy: plain increments, no atomics (CPUs).</param>
/// <param name="GroupsPerSegment">Groups counting each segment on the shared path; 0 on the global path.</param>
/// <param name="GroupSize">Threads per group on the shared path.</param>
public readonly record struct SelectPlan(int Segments, int Length, int Ranks, int Copies, bool Exclusive,
    int GroupsPerSegment, int GroupSize)
{
    public const int Bins = 256, Passes = 4;

    /// <summary>Shared memory a group may take for its histograms (32 ranks), leaving room for a second resident group.</summary>
    public const int MaxSharedBytes = 32 * 1024;

    const int GlobalCopies = 16;

    // NOTE: a group's flush costs R bins per thread; 16 keys per thread at least keeps it a small share of the pass.
    const int MinKeysPerThread = 16;

    /// <summary>Per-group shared-memory histograms (GPUs, at most 32 ranks).</summary>
    public bool Shared => GroupsPerSegment > 0;

    public int Queries => Segments * Ranks;

    /// <summary>Groups of one shared-histogram launch: each segment's keys are split over its own groups.</summary>
    public int Groups => Segments * GroupsPerSegment;

    /// <summary>Dynamic shared memory of one group on the shared path, in ints: R histograms of 256 bins.</summary>
    public int SharedInts => Shared ? Ranks * Bins : 0;

    public int SharedBytes => SharedInts * sizeof(int);

    /// <summary>Ints of the global histogram: Copies × Queries × 256.</summary>
    public long HistogramInts => (long)Copies * Queries * Bins;

    /// <summary>
    /// The most global atomics one selection can take. Shared: each group adds at most R·256 bins per pass. Global:
    /// every key may match every query's prefix in every pass (in the first, with no bits fixed, every key does).
    /// </summary>
    public long AtomicsBound => Shared ? (long)Passes * Groups * Ranks * Bins
        : Exclusive ? 0 : (long)Passes * Segments * Length * Ranks;

    /// <summary>
    /// The plan for <paramref name="segments"/> rows of <paramref name="length"/> keys and R = <paramref name="ranks"/>
    /// ranks per row. <paramref name="elementThreads"/>: threads of the element launch of the global path
    /// (<see cref="Device.Elements"/>); <paramref name="maxGroups"/>: resident groups that fill the device;
    /// <paramref name="maxSharedBytes"/>: the accelerator's shared memory per group.
    /// </summary>
    public static SelectPlan For(int segments, int length, int ranks, bool isCpu, int elementThreads, int maxGroups,
        int groupSize, int maxSharedBytes)
    {
        if (!isCpu && segments > 0 && (long)ranks * Bins * sizeof(int) <= Math.Min(MaxSharedBytes, maxSharedBytes))
        {
            long perGroup = (long)groupSize * MinKeysPerThread;
            int wanted = (int)Math.Min((length + perGroup - 1) / perGroup, int.MaxValue);
            int perSegment = Math.Clamp(wanted, 1, Math.Max(1, maxGroups / segments));
            return new SelectPlan(segments, length, ranks, 1, false, perSegment, groupSize);
        }
        long queries = (long)segments * ranks;
        int copies = (int)Math.Clamp((1L << 24) / Math.Max(queries * Bins, 1), 1, isCpu ? elementThreads : GlobalCopies);
        return new SelectPlan(segments, length, ranks, copies, copies == elementThreads, 0, 0);
    }
}
