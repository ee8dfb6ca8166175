namespace QSparse.Nn;

/// <summary>
/// One recorded operation: its inputs, the tensors its backward reads (<see cref="Saved"/>) and the rule
/// that turns the gradient of its output into one gradient per input (null where an input needs none).
/// The node is owned by its output: releasing the output (Dispose, or the end of its TensorScope)
/// releases the node's intermediates, and so does running the backward, which may run once.
/// </summary>
sealed class GradNode
{
    Func<Tensor, Tensor?[]>? backward;
    Saved[] saved;
    readonly bool[] needsGrad;

    public GradNode(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, Saved[] saved)
    {
        Name = name;
        Inputs = inputs;
        this.backward = backward;
        this.saved = saved;
        // NOTE: taken now, not at backward: disposing an intermediate clears its GradFn and with it its
        // RequiresGrad, which would silently cut the graph instead of failing.
        needsGrad = Array.ConvertAll(inputs, t => t.RequiresGrad);
    }

    public string Name { get; }
    public Tensor[] Inputs { get; }

    /// <summary>Whether input <paramref name="i"/> required gradients when the op ran (an edge of the graph).</summary>
    public bool NeedsGrad(int i) => needsGrad[i];

    /// <summary>Throws, naming this op and the tensor, unless every saved tensor and every input in the graph is still alive.</summary>
    public void CheckUsable()
    {
        if (backward == null)
            throw new InvalidOperationException(
                $"backward of {Name}: its saved tensors were released by an earlier Backward() (a graph is back-propagated once)");
        foreach (var s in saved)
            if (s.Tensor.IsDisposed)
                throw new InvalidOperationException(
                    $"backward of {Name}: saved tensor '{s.Name}' {ShapeUtil.Format(s.Tensor.Shape)} was disposed before Backward()");
        for (int i = 0; i < Inputs.Length; i++)
            if (needsGrad[i] && Inputs[i].IsDisposed)
                throw new InvalidOperationException(
                    $"backward of {Name}: input {i} {ShapeUtil.Format(Inputs[i].Shape)} was disposed before Backward()");
    }

    /// <summary>Runs the backward rule once, then releases the saved tensors (nodes that save none may run again).</summary>
    public Tensor?[] Apply(Tensor gradOut)
    {
        CheckUsable();
        var grads = backward!(gradOut);
        if (saved.Length == 0)
            return grads;
        // An intermediate handed back as a gradient now belongs to the backward pass, not to the node.
        foreach (var s in saved)
            if (s.Owned && Array.Exists(grads, g => ReferenceEquals(g, s.Tensor)))
                TensorScope.Current?.Add(s.Tensor);
            else if (s.Owned)
                s.Tensor.ReleaseStorage();
        saved = [];
        backward = null;
        return grads;
    }

    /// <summary>Releases the intermediates and forgets the rule: the graph through this node is dropped.</summary>
    public void Release()
    {
        foreach (var s in saved)
            if (s.Owned)
                s.Tensor.ReleaseStorage();
        saved = [];
        backward = null;
    }
}
