namespace QSparse.Nn;

/// <summary>
/// A tensor a backward rule reads (PyTorch's save_for_backward), declared when the op records its
/// <see cref="GradNode"/>. <see cref="Owned"/> tensors are intermediates the op made only for its
/// backward: the node releases them when its backward has run or its graph is dropped, or at once when
/// nothing is recorded. The others (the op's inputs, its result) belong to whoever owns them; the node
/// checks before the backward that they were not disposed.
/// </summary>
/// <param name="Name">What errors call it ("input", "weight", "indices"), PyTorch's name where it has one.</param>
/// <param name="Tensor">The tensor the backward reads.</param>
/// <param name="Owned">The node releases it (an intermediate made only for the backward).</param>
readonly record struct Saved(string Name, Tensor Tensor, bool Owned)
{
    /// <summary>An input of the op, owned by the caller.</summary>
    public static Saved Input(string name, Tensor tensor) => new(name, tensor, false);

    /// <summary>The op's own output (PyTorch's <c>result</c>), owned by the caller.</summary>
    public static Saved Result(Tensor tensor) => new("result", tensor, false);

    /// <summary>A tensor the op made for its backward alone; the node owns and releases it.</summary>
    public static Saved Intermediate(string name, Tensor tensor) => new(name, tensor, true);
}
