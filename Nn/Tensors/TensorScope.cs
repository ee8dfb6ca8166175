namespace QSparse.Nn;

/// <summary>
/// Disposes every tensor created on this thread while it is the innermost open scope, so a
/// training step releases its activations and gradients deterministically:
/// <code>using (var scope = new TensorScope()) { var loss = ...; loss.Backward(); opt.Step(); }</code>
/// Tensors that must outlive the scope call <see cref="Tensor.DetachFromScope"/> or are moved
/// out with <see cref="MoveToOuter"/>. The intermediates an op saved for its backward are in no scope:
/// they go with the op's output, and are released with it or when the backward has run.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] static TensorScope? current;
    readonly TensorScope? outer;
    readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);
    bool disposed;

    public TensorScope()
    {
        outer = current;
        current = this;
    }

    internal static TensorScope? Current => current;

    internal void Add(Tensor t) => owned.Add(t);

    /// <summary>Removes <paramref name="t"/> from whichever open scope on this thread owns it.</summary>
    internal static void Forget(Tensor t)
    {
        for (var s = current; s != null; s = s.outer)
            if (s.owned.Remove(t))
                return;
    }

    /// <summary>Hands <paramref name="t"/> to the enclosing scope (or to nobody) and returns it.</summary>
    public Tensor MoveToOuter(Tensor t)
    {
        if (owned.Remove(t))
            outer?.Add(t);
        return t;
    }

    /// <summary>Stops owning <paramref name="t"/>, leaving it to the caller; true when this scope owned it.</summary>
    internal bool Disown(Tensor t) => owned.Remove(t);

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        if (current == this)
            current = outer;
        foreach (var t in owned)
            t.ReleaseStorage();
        owned.Clear();
    }
}
