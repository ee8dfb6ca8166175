using QSparse.Kernels;

namespace QSparse.Nn;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product (torch.matmul) of 2-D or batched 3-D operands: [M,K]·[K,N], [B,M,K]·[B,K,N],
    /// [B,M,K]·[K,N] (the matrix is shared across the batch).
    /// </summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other, false, false);

    /// <summary>op(a)·op(b), where op transposes the last two dimensions when asked; differentiable.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA, bool transB)
    {
        if (a.Rank is < 2 or > 3 || b.Rank is < 2 or > 3 || (a.Rank == 2 && b.Rank == 3))
            throw new ArgumentException(
                $"MatMul supports [M,K]·[K,N], [B,M,K]·[B,K,N] and [B,M,K]·[K,N], got {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)}");
        int batch = a.Rank == 3 ? a.Shape[0] : 1;
        int ar = a.Shape[^2], ac = a.Shape[^1], br = b.Shape[^2], bc = b.Shape[^1];
        int m = transA ? ac : ar, k = transA ? ar : ac, kb = transB ? bc : br, n = transB ? br : bc;
        if (k != kb || (b.Rank == 3 && b.Shape[0] != batch))
            throw new ArgumentException(
                $"MatMul: shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} do not multiply (transA={transA}, transB={transB})");
        var shape = a.Rank == 3 ? new[] { batch, m, n } : new[] { m, n };
        var result = Empty(a.Device, shape);
        var s = new GemmShape
        {
            Batch = batch, M = m, N = n, K = k,
            ABatch = a.Rank == 3 ? ar * ac : 0, AM = transA ? 1 : ac, AK = transA ? ac : 1,
            BBatch = b.Rank == 3 ? br * bc : 0, BK = transB ? 1 : bc, BN = transB ? bc : 1,
            CBatch = m * n, CM = n, CN = 1,
            Alpha = 1, Beta = 0,
        };
        GemmKernels.Gemm(a.Device, a.F32, b.F32, result.F32, s);
        return Autograd.Record(result, "MatMul", [a, b], g =>
        {
            // C = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G, then undo each op.
            Tensor? ga = null, gb = null;
            if (a.RequiresGrad)
                ga = transA ? MatMul(b, g, transB, true) : MatMul(g, b, false, !transB);
            if (b.RequiresGrad)
            {
                var full = transB ? MatMul(g, a, true, transA) : MatMul(a, g, !transA, false);
                // A batch-shared B collects the gradient of every batch entry.
                gb = b.Rank == 2 && full.Rank == 3 ? full.Sum(0) : full;
            }
            return [ga, gb];
        }, Saved.Input("a", a), Saved.Input("b", b));
    }
}
