using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    static OpCase MatMul(string name, int[] a, int[] b, bool transA = false, bool transB = false) =>
        new(name, [In.Uniform(a), In.Uniform(b)], x => Tensor.MatMul(x[0], x[1], transA, transB),
            x => HostRef.MatMul(x[0], x[1], transA, transB))
        { SumLength = a.Concat(b).Max(), Forward = LongSums };

    /// <summary>
    /// The forward tolerance of rows summing K products: a plain float32 loop over K unit-sized products
    /// rounds to about 1e-7·K (its partial sums grow like √K), which 1e-5·√K, the old differential
    /// list's tolerance, covers up to K ≈ 10^4.
    /// </summary>
    // NOTE: a property, not a field: the table (All) is built by a static initializer in another file, which may run first.
    static Tol LongSums => new(1e-5, 1e-5);

    /// <summary>Matrix products (2-D, batched, batch-shared, transposed) and linear.</summary>
    static IEnumerable<OpCase> MatMuls()
    {
        yield return MatMul("matmul 2d", [3, 5], [5, 4]);
        yield return MatMul("matmul batched", [2, 3, 5], [2, 5, 4]);
        yield return MatMul("matmul shared matrix", [2, 3, 5], [5, 3]);
        yield return MatMul("matmul transA", [5, 3], [5, 4], transA: true);
        yield return MatMul("matmul transB", [3, 5], [4, 5], transB: true);
        yield return MatMul("matmul transA transB", [5, 3], [4, 5], true, true);
        yield return MatMul("matmul batched transA transB", [2, 5, 3], [2, 4, 5], true, true);
        yield return MatMul("matmul 1x1x1", [1, 1], [1, 1]);

        yield return new OpCase("linear", [In.Uniform([5, 7]), In.Uniform([4, 7]), In.Uniform([4])],
            x => Functional.Linear(x[0], x[1], x[2]), x => HostRef.Linear(x[0], x[1], x[2])) { SumLength = 7, Forward = LongSums };
        yield return new OpCase("linear no bias", [In.Uniform([5, 7]), In.Uniform([4, 7])],
            x => Functional.Linear(x[0], x[1]), x => HostRef.Linear(x[0], x[1], null)) { SumLength = 7, Forward = LongSums };
        yield return new OpCase("linear 1d input", [In.Uniform([7]), In.Uniform([4, 7]), In.Uniform([4])],
            x => Functional.Linear(x[0], x[1], x[2]), x => HostRef.Linear(x[0], x[1], x[2])) { SumLength = 7, Forward = LongSums };
        yield return new OpCase("linear 3d input", [In.Uniform([2, 3, 7]), In.Uniform([4, 7]), In.Uniform([4])],
            x => Functional.Linear(x[0], x[1], x[2]), x => HostRef.Linear(x[0], x[1], x[2])) { SumLength = 7, Forward = LongSums };
    }

    /// <summary>
    /// The host float64 backward of op(a)·op(b) for 2-D operands: dop(a) = G·op(b)ᵀ, dop(b) = op(a)ᵀ·G, each
    /// transposed back when its op transposed. For the large products, whose finite differences would cost seconds.
    /// </summary>
    static HostArray?[] MatMulBackward(HostArray[] x, HostArray g, bool transA, bool transB)
    {
        var da = HostRef.MatMul(g, x[1], false, !transB);
        var db = HostRef.MatMul(x[0], g, !transA, false);
        return [transA ? HostRef.Permute(da, 1, 0) : da, transB ? HostRef.Permute(db, 1, 0) : db];
    }
}
