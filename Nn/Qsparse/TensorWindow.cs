namespace QSparse.Nn;

/// <summary>
/// The FIFO of recent inputs a quantize or prune layer decides on: at most <see cref="Capacity"/> device
/// tensors, owned here (detached from every scope); the oldest is disposed when a new one pushes it out.
/// </summary>
sealed class TensorWindow(int capacity)
{
    readonly Queue<Tensor> items = new();

    public int Capacity { get; } = capacity;

    public int Count => items.Count;

    public IReadOnlyList<Tensor> Items => items.ToArray();

    /// <summary>Takes ownership of <paramref name="t"/> (a tensor outside the autograd graph).</summary>
    public void Push(Tensor t)
    {
        items.Enqueue(t.DetachFromScope());
        while (items.Count > Capacity)
            items.Dequeue().Dispose();
    }

    public void Clear()
    {
        while (items.Count > 0)
            items.Dequeue().Dispose();
    }
}
