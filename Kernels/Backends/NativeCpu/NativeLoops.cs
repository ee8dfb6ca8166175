namespace QSparse.Kernels;

/// <summary>
/// Host loops for the "cpu" device's native path: contiguous chunks on all cores, over the host
/// memory behind ILGPU's CPU buffers (reached through <see cref="HostMemory"/>).
/// </summary>
static class NativeLoops
{
    /// <summary>Below this many elements one core is faster than waking the others.</summary>
    const long ParallelThreshold = 1 << 15;

    /// <summary>Calls <paramref name="body"/>(begin, end) over [0, count) in one chunk per core.</summary>
    public static void For(int count, Action<int, int> body) => For(count, 1, body);

    /// <summary>
    /// As <see cref="For(int, Action{int, int})"/> for items of <paramref name="itemSize"/> elements each (rows,
    /// channels, planes): whether to use every core depends on the elements, not on the item count.
    /// </summary>
    public static void For(int count, long itemSize, Action<int, int> body)
    {
        int workers = count * itemSize < ParallelThreshold ? 1 : Math.Min(count, Environment.ProcessorCount);
        if (workers == 1)
        {
            body(0, count);
            return;
        }
        int chunk = (count + workers - 1) / workers;
        Parallel.For(0, workers, w => body(w * chunk, Math.Min(count, (w + 1) * chunk)));
    }
}
