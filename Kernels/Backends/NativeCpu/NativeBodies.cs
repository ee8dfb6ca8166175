namespace QSparse.Kernels;

/// <summary>
/// The ILGPU kernels' own element bodies run by host loops: where an op's kernel is one
/// <see cref="Device.ForEach{TBody}"/> over items that each write only their own outputs, the native form
/// is that very body on all cores, without the CPU accelerator's simulated threads. The same code on the
/// same values: bit for bit the kernel's results, whatever the number of cores.
/// </summary>
static class NativeBodies
{
    /// <summary>Runs <paramref name="body"/> for items 0 .. <paramref name="count"/> - 1, in one chunk per core.</summary>
    /// <param name="host">Proof that the device's kernels have finished (the body reads their outputs).</param>
    /// <param name="count">The items: the count the kernel's launch is given.</param>
    /// <param name="body">The kernel's body.</param>
    /// <param name="itemSize">Elements each item touches (a row, a plane), for the choice of running on one core.</param>
    public static void Run<TBody>(HostMemory host, int count, TBody body, long itemSize = 1) where TBody : struct, IElementBody
    {
        _ = host;
        NativeLoops.For(count, itemSize, (begin, end) =>
        {
            var b = body;
            for (int i = begin; i < end; i++)
                b.Run(i);
        });
    }
}
