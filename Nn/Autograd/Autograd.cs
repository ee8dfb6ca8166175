namespace QSparse.Nn;

/// <summary>
/// Reverse-mode automatic differentiation: operations record a <see cref="GradNode"/> when gradients
/// are enabled and an input requires them; <see cref="Tensor.Backward"/> walks the graph in reverse
/// topological order, summing gradients.
/// </summary>
public static class Autograd
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

    /// <summary>Attaches a backward rule to <paramref name="output"/> when any input requires gradients.</summary>
    internal static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (IsGradEnabled && inputs.Any(t => t.RequiresGrad))
            output.GradFn = new GradNode(name, inputs, backward);
        if (IsGradEnabled)
            OpProfiler.Mark(name, output.Device);
        return output;
    }

    internal static void Backward(Tensor root, Tensor? gradient)
    {
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
            var inputGrads = node.Backward(g);
            OpProfiler.Mark(node.Name + " backward", root.Device);
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                var input = node.Inputs[i];
                var gi = inputGrads[i];
                if (gi == null || !input.RequiresGrad)
                    continue;
                if (!gi.Shape.SequenceEqual(input.Shape))
                    throw new InvalidOperationException(
                        $"backward of {node.Name} returned a gradient of shape {ShapeUtil.Format(gi.Shape)} for an input of shape {ShapeUtil.Format(input.Shape)}");
                grads[input] = grads.TryGetValue(input, out var prev) ? prev.Add(gi) : gi;
            }
        }
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
            if (t.GradFn != null)
                foreach (var input in t.GradFn.Inputs)
                    if (input.RequiresGrad && !visited.Contains(input))
                        stack.Push((input, false));
        }
        return order;
    }
}
