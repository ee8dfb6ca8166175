namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>
    /// op(a)·op(b) as Tensor.MatMul: [M,K]·[K,N], [B,M,K]·[B,K,N] or [B,M,K]·[K,N], op transposing the
    /// last two dimensions when asked.
    /// </summary>
    public static HostArray MatMul(HostArray a, HostArray b, bool transA = false, bool transB = false)
    {
        int batch = a.Rank == 3 ? a.Shape[0] : 1;
        int ar = a.Shape[^2], ac = a.Shape[^1], br = b.Shape[^2], bc = b.Shape[^1];
        int m = transA ? ac : ar, k = transA ? ar : ac, n = transB ? br : bc;
        double A(int bi, int i, int p) => a.Data[(a.Rank == 3 ? bi * ar * ac : 0) + (transA ? p * ac + i : i * ac + p)];
        double B(int bi, int p, int j) => b.Data[(b.Rank == 3 ? bi * br * bc : 0) + (transB ? j * bc + p : p * bc + j)];
        var y = new HostArray(a.Rank == 3 ? [batch, m, n] : [m, n]);
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                        sum += A(bi, i, p) * B(bi, p, j);
                    y.Data[(bi * m + i) * n + j] = sum;
                }
        return y;
    }

    /// <summary>x·Wᵀ + b for x [..., in], W [out, in], b [out] or null.</summary>
    public static HostArray Linear(HostArray x, HostArray w, HostArray? b)
    {
        int inFeatures = w.Shape[1], outFeatures = w.Shape[0];
        var y = MatMul(x.Reshape(x.Data.Length / inFeatures, inFeatures), w, transB: true);
        if (b != null)
            y = Zip(y, b, (u, v) => u + v);
        return y.Reshape([.. x.Shape[..^1], outFeatures]);
    }
}
