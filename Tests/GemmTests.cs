using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Tests;

/// <summary>
/// <see cref="GemmKernels.Gemm"/> on each device (the CPU register-tiled kernel on the CPU accelerator, the native
/// one on "cpu") against a host float64 reference, at ragged shapes, with transposes, Beta accumulation and batch
/// broadcasting. The GPU kernel, <see cref="GemmKernels.GemmTiled"/>, is checked on the simulated GPU by
/// <see cref="GemmTiledTests"/> with the same reference.
/// </summary>
public class GemmTests(string kind) : DeviceTest(kind)
{
    public enum Path { Dispatch, Tiled }

    // (batch, m, n, k, transA, transB, beta, broadcast A across the batch, broadcast B)
    static readonly object[] Cases =
    [
        new object[] { 1, 1, 1, 1, false, false, 0f, false, false },
        new object[] { 1, 3, 5, 7, false, false, 0f, false, false },
        new object[] { 1, 17, 33, 9, false, false, 0f, false, false },
        new object[] { 1, 65, 31, 70, false, false, 0f, false, false },
        new object[] { 3, 13, 11, 19, false, false, 0f, false, false },
        new object[] { 1, 17, 33, 9, true, false, 0f, false, false },
        new object[] { 1, 17, 33, 9, false, true, 0f, false, false },
        new object[] { 2, 6, 10, 21, true, true, 0f, false, false },
        new object[] { 2, 9, 7, 5, false, false, 1f, false, false },
        new object[] { 3, 13, 11, 19, false, false, 0.5f, true, false },
        new object[] { 3, 5, 14, 8, false, true, 0f, false, true },
        new object[] { 1, 4, 6, 0, false, false, 1f, false, false },
    ];

    [TestCaseSource(nameof(Cases))]
    public void MatchesHostReference(int batch, int m, int n, int k, bool transA, bool transB, float beta,
        bool shareA, bool shareB)
        => Check(Device, Path.Dispatch, batch, m, n, k, transA, transB, beta, shareA, shareB);

    /// <summary>A conv-like product big enough to take many tiles per thread.</summary>
    [Test]
    public void LargerProductMatches() => Check(Device, Path.Dispatch, 2, 64, 130, 75, false, false, 0f, true, false);

    /// <summary>The GPU kernel refuses groups smaller than its 256 threads (ILGPU's CPU accelerator allows 2) instead of computing garbage.</summary>
    [Test]
    public void TiledRefusesSmallGroups()
    {
        if (Device.Accelerator.MaxNumThreadsPerGroup >= 256)
            Assert.Ignore($"{Device} runs groups of 256 threads");
        using var buffer = Device.Accelerator.Allocate1D<float>(4);
        var e = Assert.Throws<NotSupportedException>(() =>
            GemmKernels.GemmTiled(Device, buffer.View, buffer.View, buffer.View, GemmShape.RowMajor(2, 2, 1)));
        Assert.That(e!.Message, Does.Contain("256 threads"));
    }

    /// <summary>
    /// Runs one product on <paramref name="device"/> by <paramref name="path"/> and compares every element of C with
    /// a float64 reference, within max(1e-5, K·6e-8) of the sum of the absolute products (the float error of a K-term
    /// sum grows with K and with cancellation); returns C.
    /// </summary>
    internal static float[] Check(Device device, Path path, int batch, int m, int n, int k, bool transA, bool transB,
        float beta, bool shareA, bool shareB)
    {
        var s = GemmShape.RowMajor(m, n, k, transA, transB, batch, alpha: 0.75f, beta: beta);
        if (shareA) s.ABatch = 0;
        if (shareB) s.BBatch = 0;
        var rnd = new Random(batch * 1000 + m * 100 + n * 10 + k);
        var a = Random(rnd, (shareA ? 1 : batch) * m * k);
        var b = Random(rnd, (shareB ? 1 : batch) * k * n);
        // NOTE: with Beta = 0 the kernel must not read C, so seed it with NaN to catch a read.
        var c = beta == 0f ? Enumerable.Repeat(float.NaN, batch * m * n).ToArray() : Random(rnd, batch * m * n);

        var acc = device.Accelerator;
        using var da = acc.Allocate1D(a.Length == 0 ? [0f] : a);
        using var db = acc.Allocate1D(b.Length == 0 ? [0f] : b);
        using var dc = acc.Allocate1D(c);
        if (path == Path.Tiled)
            GemmKernels.GemmTiled(device, da.View, db.View, dc.View, s);
        else
            GemmKernels.Gemm(device, da.View, db.View, dc.View, s);
        device.Synchronize();
        var actual = dc.GetAsArray1D();

        // A float sum of K terms errs by up to about K·2^-24 of the sum of their magnitudes.
        double relative = Math.Max(1e-5, k * 6e-8);
        var what = $"{path} {batch}x({m}x{n}x{k}) transA={transA} transB={transB} beta={beta} shareA={shareA} shareB={shareB}";
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, scale = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double prod = (double)a[bi * s.ABatch + i * s.AM + p * s.AK] * b[bi * s.BBatch + p * s.BK + j * s.BN];
                        sum += prod;
                        scale += Math.Abs(prod);
                    }
                    int ic = bi * s.CBatch + i * s.CM + j * s.CN;
                    double prior = beta == 0f ? 0 : beta * (double)c[ic];
                    double expected = s.Alpha * sum + prior;
                    double tolerance = relative * (Math.Abs(s.Alpha) * scale + Math.Abs(prior)) + 1e-30;
                    if (!(Math.Abs(actual[ic] - expected) <= tolerance))
                        Assert.Fail($"{what} on {device}: C[{bi},{i},{j}] is {actual[ic]:R}, expected {expected:R}");
                }
        return actual;
    }

    static float[] Random(Random rnd, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(rnd.NextDouble() * 2 - 1);
        return values;
    }
}
