namespace QSparse.Kernels;

/// <summary>
/// How the threads of a launch split <see cref="Count"/> elements. On the CPU accelerator each
/// thread takes one contiguous chunk (thread step = chunk, element step = 1); on GPUs the threads
/// stride over the elements so neighbouring threads touch neighbouring addresses.
/// </summary>
public readonly struct ElementRange
{
    public readonly int Count;
    public readonly int PerThread;
    public readonly int ThreadStep;
    public readonly int ElementStep;

    public ElementRange(int count, int perThread, int threadStep, int elementStep)
    {
        Count = count;
        PerThread = perThread;
        ThreadStep = threadStep;
        ElementStep = elementStep;
    }

    /// <summary>
    /// The j-th element of thread <paramref name="thread"/> (read <c>Grid.GlobalIndex.X</c> once per
    /// kernel), or -1 past the end. NOTE: on the CPU accelerator every read of Grid.GlobalIndex costs
    /// about 1.7 us (a thread-static lookup), so reading it per element made a 3M-element fill take 5 s.
    /// </summary>
    public int Element(int thread, int j)
    {
        int i = thread * ThreadStep + j * ElementStep;
        return i < Count ? i : -1;
    }
}
