using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>Reshapes, permutes, slices, concatenation, stacking, splitting, flips, broadcasting and a residual graph.</summary>
    static IEnumerable<OpCase> ShapeOps()
    {
        yield return Unary("reshape", In.Uniform([2, 3, 2]), x => x.Reshape(3, -1), v => v) with { Reference = x => x[0].Reshape(3, 4) };
        yield return Unary("flatten unsqueeze squeeze", In.Uniform([2, 3, 2]), x => x.Flatten(1).Unsqueeze(0).Squeeze(0), v => v)
            with { Reference = x => x[0].Reshape(2, 6) };
        yield return new OpCase("permute", [In.Uniform([2, 3, 4])], x => x[0].Permute(2, 0, 1), x => HostRef.Permute(x[0], 2, 0, 1));
        yield return new OpCase("transpose", [In.Uniform([2, 3, 4])], x => x[0].Transpose(0, 2), x => HostRef.Permute(x[0], 2, 1, 0));
        yield return new OpCase("slice", [In.Uniform([2, 5, 3])], x => x[0].Slice(1, 1, 4), x => HostRef.Slice(x[0], 1, 1, 4));
        yield return new OpCase("slice negative bounds", [In.Uniform([2, 3, 5])], x => x[0].Slice(-1, -3, -1), x => HostRef.Slice(x[0], 2, 2, 4));
        yield return new OpCase("cat dim1", [In.Uniform([2, 3]), In.Uniform([2, 4])],
            x => Tensor.Cat([x[0], x[1]], 1), x => HostRef.Cat(x, 1));
        yield return new OpCase("cat three dim0", [In.Uniform([1, 2, 3]), In.Uniform([2, 2, 3]), In.Uniform([3, 2, 3])],
            x => Tensor.Cat(x, 0), x => HostRef.Cat(x, 0));
        yield return new OpCase("broadcast_to", [In.Uniform([3, 1])], x => x[0].BroadcastTo(2, 3, 4), x => HostRef.BroadcastTo(x[0], [2, 3, 4]));
        yield return new OpCase("stack dim0", [In.Uniform([2, 3]), In.Uniform([2, 3])], x => Tensor.Stack(x), x => HostRef.Stack(x, 0));
        yield return new OpCase("stack three dim1", [In.Uniform([2, 3]), In.Uniform([2, 3]), In.Uniform([2, 3])], x => Tensor.Stack(x, 1),
            x => HostRef.Stack(x, 1));
        yield return new OpCase("stack last dim", [In.Uniform([2, 3]), In.Uniform([2, 3])], x => Tensor.Stack(x, -1), x => HostRef.Stack(x, 2));
        // The pieces are joined back in reverse order: every piece's values, sizes and gradient path show in one output.
        yield return new OpCase("split sizes", [In.Uniform([2, 6, 2])], x => Reversed(x[0].Split([1, 3, 2], 1), 1),
            x => HostRef.Cat([HostRef.Slice(x[0], 1, 4, 6), HostRef.Slice(x[0], 1, 1, 4), HostRef.Slice(x[0], 1, 0, 1)], 1));
        yield return new OpCase("split size last smaller", [In.Uniform([5, 3])], x => Reversed(x[0].Split(2), 0),
            x => HostRef.Cat([HostRef.Slice(x[0], 0, 4, 5), HostRef.Slice(x[0], 0, 2, 4), HostRef.Slice(x[0], 0, 0, 2)], 0));
        yield return new OpCase("chunk 5 in 4 gives 2 2 1", [In.Uniform([3, 5])], x => Reversed(x[0].Chunk(4, -1), 1),
            x => HostRef.Cat([HostRef.Slice(x[0], 1, 4, 5), HostRef.Slice(x[0], 1, 2, 4), HostRef.Slice(x[0], 1, 0, 2)], 1));
        yield return new OpCase("flip dim1", [In.Uniform([2, 3, 4])], x => x[0].Flip(1), x => HostRef.Flip(x[0], 1));
        yield return new OpCase("flip dims 0 2", [In.Uniform([2, 3, 4])], x => x[0].Flip(0, 2), x => HostRef.Flip(x[0], 0, 2));
        yield return new OpCase("flip negative dim", [In.Uniform([3, 5])], x => x[0].Flip(-1), x => HostRef.Flip(x[0], 1));
        yield return new OpCase("residual add and concat", [In.Uniform([2, 3, 2, 2]), In.Uniform([2, 3, 2, 2])],
            x => Tensor.Cat([x[0] + x[1], x[0] * x[1], x[0]], 1).Relu().Mean([2, 3]),
            x => HostRef.Mean(HostRef.Cat([HostRef.Zip(x[0], x[1], (a, b) => a + b), HostRef.Zip(x[0], x[1], (a, b) => a * b), x[0]], 1)
                .Map(HostRef.Relu), [2, 3]));
    }

    /// <summary>The pieces joined along <paramref name="dim"/> in reverse order.</summary>
    static Tensor Reversed(Tensor[] pieces, int dim) => Tensor.Cat(pieces.Reverse().ToArray(), dim);

    /// <summary>Sum, mean, max and min over dimensions; on distinct values (no ties) and on ties (the gradient shared evenly).</summary>
    static IEnumerable<OpCase> Reductions()
    {
        yield return new OpCase("sum all", [In.Uniform([3, 4, 2])], x => x[0].Sum(), x => HostRef.Sum(x[0], HostRef.All(x[0])));
        yield return new OpCase("sum dims 0 2", [In.Uniform([2, 3, 4])], x => x[0].Sum([0, 2]), x => HostRef.Sum(x[0], [0, 2]));
        yield return new OpCase("sum dim keepdim", [In.Uniform([3, 5, 2])], x => x[0].Sum(1, keepDim: true), x => HostRef.Sum(x[0], [1], true));
        yield return new OpCase("sum negative dim", [In.Uniform([3, 5, 2])], x => x[0].Sum(-1), x => HostRef.Sum(x[0], [2]));
        yield return new OpCase("mean all", [In.Uniform([3, 4, 2])], x => x[0].Mean(), x => HostRef.Mean(x[0], HostRef.All(x[0])));
        yield return new OpCase("mean dim keepdim", [In.Uniform([3, 5, 2])], x => x[0].Mean(1, keepDim: true), x => HostRef.Mean(x[0], [1], true));
        yield return new OpCase("mean dims 0 2", [In.Uniform([2, 3, 4])], x => x[0].Mean([0, 2]), x => HostRef.Mean(x[0], [0, 2]));
        yield return new OpCase("max dim", [In.Distinct([4, 6])], x => x[0].Max(1), x => HostRef.Max(x[0], [1]));
        yield return new OpCase("max all", [In.Distinct([3, 5])], x => x[0].Max(), x => HostRef.Max(x[0], HostRef.All(x[0])));
        yield return new OpCase("max dims keepdim", [In.Distinct([2, 3, 4])], x => x[0].Max([0, 2], keepDim: true),
            x => HostRef.Max(x[0], [0, 2], true));
        yield return new OpCase("min dim", [In.Distinct([4, 6])], x => x[0].Min(1), x => HostRef.Min(x[0], [1]));
        yield return new OpCase("min all", [In.Distinct([3, 5])], x => x[0].Min(), x => HostRef.Min(x[0], HostRef.All(x[0])));
        yield return new OpCase("min dims keepdim", [In.Distinct([2, 3, 4])], x => x[0].Min([0, 2], keepDim: true),
            x => HostRef.Min(x[0], [0, 2], true));
        yield return new OpCase("max dims 0 2 negative", [In.Distinct([2, 3, 4])], x => x[0].Max([0, -1]), x => HostRef.Max(x[0], [0, 2]));
        yield return new OpCase("sum dims keepdim", [In.Uniform([2, 3, 4, 2])], x => x[0].Sum([1, 3], keepDim: true), x => HostRef.Sum(x[0], [1, 3], true));
        yield return new OpCase("mean dims keepdim", [In.Uniform([2, 3, 4, 2])], x => x[0].Mean([2, 3], keepDim: true), x => HostRef.Mean(x[0], [2, 3], true));
        yield return Ties("max ties", x => x.Max(1), HostRef.Max);
        yield return Ties("min ties", x => x.Min(1), HostRef.Min);
        yield return new OpCase("argmax ties", [In.Integers([5, 4], 0, 2)], x => x[0].ArgMax(1).To(DType.Float32),
            x => HostRef.Reduce(x[0], [1], false, v => v.IndexOf(v.Max())))
        { Check = GradientCheck.None };
    }

    /// <summary>A max or min over dimension 1 of [5, 4] with ties on purpose: the gradient is shared evenly among the tied elements.</summary>
    static OpCase Ties(string name, Func<Tensor, Tensor> op, Func<HostArray, int[], bool, HostArray> reduce) =>
        new(name, [In.Integers([5, 4], 0, 2) with { Kind = InputKind.Float }], x => op(x[0]), x => reduce(x[0], [1], false))
        {
            Check = GradientCheck.HostBackward,
            Backward = (x, g) =>
            {
                var extreme = reduce(x[0], [1], true);
                var ties = HostRef.Sum(HostRef.Zip(x[0], extreme, (v, m) => v == m ? 1 : 0), [1], keepDim: true);
                return [HostRef.Broadcast([x[0], extreme, ties, g.Reshape(5, 1)], v => v[0] == v[1] ? v[3] / v[2] : 0)];
            },
        };
}
