namespace QSparse.Nn;

public static partial class Autograd
{
    // NOTE: one read of a thread-static field per op: what an op costs when no trace is recording.
    [ThreadStatic] static IOpObserver? observer;

    /// <summary>
    /// Shows every op that goes through <see cref="Record"/> on this thread (whether or not gradients are
    /// enabled) to <paramref name="o"/> (null: to none) until disposed: the hook <see cref="ModelTrace"/> records functional ops
    /// with. Observers do not nest: the one active before is restored on dispose.
    /// </summary>
    internal static IDisposable Observe(IOpObserver? o)
    {
        var before = observer;
        observer = o;
        return new Restore(before);
    }

    /// <summary>Hides the ops run until disposed from the observer (a <see cref="Function"/>'s forward: the function is one op).</summary>
    internal static IDisposable Unobserved() => Observe(null);

    /// <summary>
    /// Tells the observer the integer arguments of the op that just made <paramref name="output"/> (Permute's
    /// dimensions, Cat's dimension), which its shapes do not always determine; returns <paramref name="output"/>.
    /// </summary>
    internal static Tensor WithArguments(Tensor output, params int[] arguments)
    {
        observer?.Arguments(output, arguments);
        return output;
    }

    sealed class Restore(IOpObserver? before) : IDisposable
    {
        bool done;

        public void Dispose()
        {
            if (!done)
                observer = before;
            done = true;
        }
    }
}

/// <summary>What <see cref="Autograd.Observe"/> shows an observer: each op's name, inputs and output, and the arguments of some.</summary>
interface IOpObserver
{
    void Op(string name, Tensor[] inputs, Tensor output);

    void Arguments(Tensor output, int[] arguments);
}
