namespace QSparse.Nn;

/// <summary>
/// Reverse-mode automatic differentiation: operations record a <see cref="GradNode"/> when gradients
/// are enabled and an input requires them; <see cref="Tensor.Backward"/> walks the graph in reverse
/// topological order, summing gradients.
/// </summary>
public static partial class Autograd
{
    [ThreadStatic] static int noGradDepth;

    /// <summary>True unless inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsGradEnabled => noGradDepth == 0;

    /// <summary>Disables graph recording until disposed (torch.no_grad()).</summary>
    public static IDisposable NoGrad() => new NoGradScope();

    sealed class NoGradScope : IDisposable
    {
        bool disposed;
        public NoGradScope() => noGradDepth++;

        public void Dispose()
        {
            if (!disposed)
                noGradDepth--;
            disposed = true;
        }
    }

    /// <summary>
    /// The one way an op records its gradient: attaches <paramref name="backward"/> to <paramref name="output"/>
    /// when gradients are enabled and an input requires them. <paramref name="saved"/> declares every tensor the
    /// rule reads besides the gradient (PyTorch's save_for_backward): before the rule runs each is checked to be
    /// alive, and the <see cref="Saved.Intermediate"/> ones are owned by the node, leaving their TensorScope:
    /// released once the rule has run or the output is released, and at once when nothing is recorded. Op code
    /// never disposes them itself. Returns <paramref name="output"/>.
    /// </summary>
    internal static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward,
        params Saved[] saved)
    {
        bool record = IsGradEnabled && inputs.Any(t => t.RequiresGrad);
        foreach (var s in saved)
            if (s.Owned && record)
                TensorScope.Forget(s.Tensor);
            else if (s.Owned)
                s.Tensor.Dispose();
        if (record)
            output.GradFn = new GradNode(name, inputs, backward, saved);
        if (IsGradEnabled)
            OpProfiler.Mark(name, output.Device);
        observer?.Op(name, inputs, output);
        return output;
    }

    internal static void Backward(Tensor root, Tensor? gradient)
    {
        if (root.IsDisposed)
            throw new InvalidOperationException($"Backward() on a disposed tensor of shape {ShapeUtil.Format(root.Shape)}");
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() on a tensor that does not require gradients");
        if (gradient == null && root.Numel != 1)
            throw new InvalidOperationException(
                $"Backward() without a gradient needs a scalar, got shape {ShapeUtil.Format(root.Shape)}");

        var order = TopologicalOrder(root);
        // Intermediate gradients live in this scope and are released when the walk ends.
        using var scope = new TensorScope();
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance)
        {
            [root] = gradient ?? Tensor.Ones(root.Device, root.Shape),
        };
        using var noGrad = NoGrad();
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var t = order[n];
            if (!grads.TryGetValue(t, out var g))
                continue;
            if (t.GradFn == null)
            {
                Accumulate(t, g);
                continue;
            }
            var node = t.GradFn;
            OpProfiler.Mark("gradient sums", root.Device);
            var inputGrads = RunNode(node, g);
            OpProfiler.Mark(node.Name + " backward", root.Device);
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                var input = node.Inputs[i];
                var gi = inputGrads[i];
                if (gi == null || !node.NeedsGrad(i))
                    continue;
                if (!gi.Shape.SequenceEqual(input.Shape))
                    throw new InvalidOperationException(
                        $"backward of {node.Name} returned a gradient of shape {ShapeUtil.Format(gi.Shape)} for an input of shape {ShapeUtil.Format(input.Shape)}");
                grads[input] = grads.TryGetValue(input, out var prev) ? prev.Add(gi) : gi;
            }
        }
    }

    /// <summary>
    /// Runs one backward rule in its own scope, so the temporaries it makes are released as soon as it
    /// returns; the gradients it returns move to the walk's scope.
    /// </summary>
    static Tensor?[] RunNode(GradNode node, Tensor gradOut)
    {
        using var scope = new TensorScope();
        var grads = node.Apply(gradOut);
        foreach (var gi in grads)
            if (gi != null)
                scope.MoveToOuter(gi);
        return grads;
    }

    /// <summary>Leaf gradients are owned by the leaf (not by any scope) and accumulate across calls.</summary>
    static void Accumulate(Tensor leaf, Tensor g)
    {
        if (leaf.Grad == null || leaf.Grad.IsDisposed)
            leaf.Grad = g.Clone().DetachFromScope();
        else
            leaf.Grad.AddInPlace(g);
    }

    static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        // Iterative post-order DFS: deep graphs must not overflow the stack.
        var stack = new Stack<(Tensor Tensor, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(t);
                continue;
            }
            if (!visited.Add(t))
                continue;
            stack.Push((t, true));
            if (t.GradFn is not { } node)
                continue;
            // Every misuse is found here, before any gradient is computed or accumulated.
            node.CheckUsable();
            for (int i = 0; i < node.Inputs.Length; i++)
                if (node.NeedsGrad(i) && !visited.Contains(node.Inputs[i]))
                    stack.Push((node.Inputs[i], false));
        }
        return order;
    }
}
