namespace QSparse.Kernels;

/// <summary>
/// A strided, batched matrix product C[b] = Alpha · A[b] · B[b] + Beta · C[b], with A[b] of shape
/// M×K, B[b] of shape K×N and C[b] of shape M×N. Each operand is addressed through its own strides,
/// so transposes and batch broadcasting (stride 0) cost nothing.
/// </summary>
public struct GemmShape
{
    public int Batch, M, N, K;
    public int ABatch, AM, AK;
    public int BBatch, BK, BN;
    public int CBatch, CM, CN;
    public float Alpha, Beta;

    /// <summary>Row-major A (M×K, or K×M when <paramref name="transA"/>), B likewise, C row-major M×N.</summary>
    public static GemmShape RowMajor(int m, int n, int k, bool transA = false, bool transB = false, int batch = 1,
        float alpha = 1, float beta = 0) => new()
    {
        Batch = batch, M = m, N = n, K = k,
        ABatch = m * k, AM = transA ? 1 : k, AK = transA ? m : 1,
        BBatch = k * n, BK = transB ? 1 : n, BN = transB ? k : 1,
        CBatch = m * n, CM = n, CN = 1,
        Alpha = alpha, Beta = beta,
    };

    public readonly long Flops => 2L * Batch * M * N * K;
}
