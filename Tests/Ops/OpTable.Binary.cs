using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    static OpCase Binary(string name, OpInput a, OpInput b, Func<Tensor, Tensor, Tensor> op, Func<double, double, double> reference) =>
        new(name, [a, b], x => op(x[0], x[1]), x => HostRef.Zip(x[0], x[1], reference));

    /// <summary>Binary ops with broadcasting, where, and the prune masks' multiply.</summary>
    static IEnumerable<OpCase> Binary()
    {
        yield return Binary("add broadcast", In.Uniform([2, 3, 4]), In.Uniform([3, 1]), (a, b) => a + b, (a, b) => a + b);
        yield return Binary("sub broadcast", In.Uniform([4, 1]), In.Uniform([1, 5]), (a, b) => a - b, (a, b) => a - b);
        yield return Binary("mul broadcast", In.Uniform([2, 3, 4]), In.Uniform([4]), (a, b) => a * b, (a, b) => a * b);
        yield return Binary("mul same shape", In.Uniform([5, 6]), In.Uniform([5, 6]), (a, b) => a * b, (a, b) => a * b);
        yield return Binary("div broadcast", In.Uniform([3, 4]), In.Positive([3, 1]), (a, b) => a / b, (a, b) => a / b);
        yield return Binary("div by broadcast numerator", In.Uniform([4]), In.Positive([3, 4]), (a, b) => a / b, (a, b) => a / b);
        // Values on grids offset by half a spacing never tie, so max and min are smooth at every point differenced.
        yield return Binary("maximum broadcast", In.Distinct([3, 4], 0.1), In.Distinct([4], 0.1, 0.05), (a, b) => a.Maximum(b), Math.Max);
        yield return Binary("minimum broadcast", In.Distinct([3, 4], 0.1), In.Distinct([3, 1], 0.1, 0.05), (a, b) => a.Minimum(b), Math.Min);
        // Ties send the whole gradient to the first input.
        var tiesA = In.Integers([4, 5], -2, 2) with { Kind = InputKind.Float };
        var tiesB = In.Integers([4, 5], -2, 2) with { Kind = InputKind.Float };
        yield return Binary("maximum ties", tiesA, tiesB, (a, b) => a.Maximum(b), Math.Max) with
        {
            Check = GradientCheck.HostBackward,
            Backward = (x, g) => [PickWhere(g, x, (a, b) => a >= b), PickWhere(g, x, (a, b) => a < b)],
        };
        yield return Binary("minimum ties", tiesA, tiesB, (a, b) => a.Minimum(b), Math.Min) with
        {
            Check = GradientCheck.HostBackward,
            Backward = (x, g) => [PickWhere(g, x, (a, b) => a <= b), PickWhere(g, x, (a, b) => a > b)],
        };

        yield return new OpCase("where sign", [In.AwayFromZero([3, 4]), In.Uniform([4])],
            x => Tensor.Where(x[0].Gt(0f), x[0], x[1]), x => HostRef.Broadcast(x, v => v[0] > 0 ? v[0] : v[1]));
        yield return new OpCase("where mask broadcast", [In.Mask([3, 1]), In.Uniform([3, 4]), In.Uniform([4])],
            x => Tensor.Where(x[0], x[1], x[2]), x => HostRef.Where(x[0], x[1], x[2]));
        // PruneLayer's forward: x · mask (a bool buffer as float), the mask broadcast over the batch.
        yield return new OpCase("prune mask multiply", [In.Uniform([2, 3, 4]), In.Mask([3, 4])],
            x => x[0] * x[1].To(DType.Float32), x => HostRef.Zip(x[0], x[1], (v, m) => v * m));
        yield return new OpCase("prune mask per channel", [In.Uniform([2, 3, 4, 4]), In.Mask([3, 1, 1], 0.5)],
            x => x[0] * x[1].To(DType.Float32), x => HostRef.Zip(x[0], x[1], (v, m) => v * m));
    }

    /// <summary>gradOut where <paramref name="pick"/>(a, b) holds, else 0 (same-shape a and b).</summary>
    static HostArray PickWhere(HostArray g, HostArray[] x, Func<double, double, bool> pick) =>
        HostRef.Broadcast([g, x[0], x[1]], v => pick(v[1], v[2]) ? v[0] : 0);

    /// <summary>The comparisons (forward only; bool results read as 0/1), on small integers so ties occur.</summary>
    static IEnumerable<OpCase> Comparisons()
    {
        var rows = new (string Name, Func<Tensor, Tensor, Tensor> Op, Func<Tensor, Tensor>? Scalar, Func<double, double, bool> Host)[]
        {
            ("gt", (a, b) => a.Gt(b), a => a.Gt(1f), (a, b) => a > b),
            ("ge", (a, b) => a.Ge(b), a => a.Ge(1f), (a, b) => a >= b),
            ("lt", (a, b) => a.Lt(b), a => a.Lt(1f), (a, b) => a < b),
            ("le", (a, b) => a.Le(b), a => a.Le(1f), (a, b) => a <= b),
            ("eq", (a, b) => a.Eq(b), a => a.Eq(1f), (a, b) => a == b),
            ("ne", (a, b) => a.Ne(b), null, (a, b) => a != b),
        };
        foreach (var (name, op, scalar, host) in rows)
        {
            yield return Binary($"{name} broadcast", In.Integers([3, 4], -1, 2), In.Integers([4], -1, 2),
                (a, b) => op(a, b).To(DType.Float32), (a, b) => host(a, b) ? 1 : 0) with { Check = GradientCheck.None };
            if (scalar != null)
                yield return Unary($"{name} scalar", In.Integers([3, 4], -1, 2), a => scalar(a).To(DType.Float32), a => host(a, 1) ? 1 : 0)
                    with { Check = GradientCheck.None };
        }
    }
}
