using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The work of one element (or item) i of a launch: a struct of views and parameters whose
/// <see cref="Run"/> the shared loop of <see cref="Device.ForEach{TBody}"/> calls for each i it owns.
/// NOTE: bodies are internal, never private: ILGPU's CPU accelerator emits its launchers into the
/// ILGPURuntime assembly, which sees this assembly's internals only (InternalsVisibleTo).
/// </summary>
public interface IElementBody
{
    void Run(int i);
}

/// <summary>The one argument of <see cref="ElementLoop.Kernel{TBody}"/>: how the threads split the items, and the work of one item.</summary>
readonly struct ElementLaunch<TBody>(ElementRange range, TBody body) where TBody : struct, IElementBody
{
    public readonly ElementRange Range = range;
    public readonly TBody Body = body;
}

/// <summary>The loop every element-wise kernel shares, specialised on its body struct.</summary>
static class ElementLoop
{
    /// <summary>
    /// Runs the body for each element this thread owns. NOTE: <c>Grid.GlobalIndex.X</c> is read once per
    /// thread: on the CPU accelerator each read costs about 1.7 us (see <see cref="ElementRange.Element"/>).
    /// </summary>
    public static void Kernel<TBody>(ElementLaunch<TBody> launch) where TBody : struct, IElementBody
    {
        var r = launch.Range;
        var body = launch.Body;
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            body.Run(i);
        }
    }
}
