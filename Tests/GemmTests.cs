using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Tests;

/// <summary>
/// Both GEMM kernels (the CPU register-tiled one behind <see cref="GemmKernels.Gemm"/> on the CPU
/// accelerator, and the shared-memory <see cref="GemmKernels.GemmTiled"/>) against a host float64
/// reference, at ragged shapes, with transposes, Beta accumulation and batch broadcasting.
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
    {
        foreach (var path in new[] { Path.Dispatch, Path.Tiled })
            Check(path, batch, m, n, k, transA, transB, beta, shareA, shareB);
    }

    /// <summary>A conv-like product big enough to take many tiles per thread (CPU path only; the tiled
    /// kernel on the CPU accelerator is too slow for it).</summary>
    [Test]
    public void LargerProductMatches() => Check(Path.Dispatch, 2, 64, 130, 75, false, false, 0f, true, false);

    void Check(Path path, int batch, int m, int n, int k, bool transA, bool transB, float beta, bool shareA,
        bool shareB)
    {
        var s = GemmShape.RowMajor(m, n, k, transA, transB, batch, alpha: 0.75f, beta: beta);
        if (shareA) s.ABatch = 0;
        if (shareB) s.BBatch = 0;
        var rnd = new Random(batch * 1000 + m * 100 + n * 10 + k);
        var a = Random(rnd, (shareA ? 1 : batch) * m * k);
        var b = Random(rnd, (shareB ? 1 : batch) * k * n);
        // NOTE: with Beta = 0 the kernel must not read C, so seed it with NaN to catch a read.
        var c = beta == 0f ? Enumerable.Repeat(float.NaN, batch * m * n).ToArray() : Random(rnd, batch * m * n);

        var acc = Device.Accelerator;
        using var da = acc.Allocate1D(a.Length == 0 ? [0f] : a);
        using var db = acc.Allocate1D(b.Length == 0 ? [0f] : b);
        using var dc = acc.Allocate1D(c);
        if (path == Path.Tiled)
            GemmKernels.GemmTiled(Device, da.View, db.View, dc.View, s);
        else
            GemmKernels.Gemm(Device, da.View, db.View, dc.View, s);
        Device.Synchronize();
        var actual = dc.GetAsArray1D();

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
                    double tolerance = 1e-5 * (Math.Abs(s.Alpha) * scale + Math.Abs(prior)) + 1e-30;
                    if (!(Math.Abs(actual[ic] - expected) <= tolerance))
                        Assert.Fail($"{what}: C[{bi},{i},{j}] is {actual[ic]:R}, expected {expected:R}");
                }
    }

    static float[] Random(Random rnd, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(rnd.NextDouble() * 2 - 1);
        return values;
    }
}
