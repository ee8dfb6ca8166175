using QSparse.Kernels;

namespace QSparse.Tests;

/// <summary>
/// The GPU GEMM (<see cref="GemmKernels.GemmTiled"/>: compile-time 128×128 and 64×256 tiles, split-K) on the simulated
/// GPU, against the float64 reference of <see cref="GemmTests"/> and the CPU accelerator's kernel, with the launch
/// shape each product takes: which tile, how many tiles and K splits (the simulated GPU has 4 multiprocessors, so
/// split-K aims at 8 groups). Shapes are small: every simulated thread is a .NET thread.
/// </summary>
public class GemmTiledTests
{
    static Device Gpu => Accelerators.Get(Accelerators.SimulatedGpu);
    static Device Cpu => Accelerators.Get("cpu-accelerator");

    // (batch, m, n, k, transA, transB, beta, shareA, shareB, tile, tiles, splits)
    static readonly object[] Cases =
    [
        new object[] { 1, 1, 1, 1, false, false, 0f, false, false, "Tile128x128", 1, 1 },
        new object[] { 1, 3, 5, 7, false, false, 0f, false, false, "Tile128x128", 1, 1 },
        new object[] { 1, 131, 67, 37, false, false, 0f, false, false, "Tile128x128", 2, 1 },
        new object[] { 1, 17, 263, 19, false, false, 0f, false, false, "Tile64x256", 2, 1 },
        new object[] { 1, 67, 45, 53, true, false, 0f, false, false, "Tile128x128", 1, 1 },
        new object[] { 1, 45, 67, 53, false, true, 0f, false, false, "Tile128x128", 1, 1 },
        new object[] { 2, 30, 41, 29, true, true, 0f, false, false, "Tile128x128", 2, 1 },
        new object[] { 3, 13, 11, 19, false, false, 0.5f, true, false, "Tile128x128", 3, 1 },
        new object[] { 3, 5, 14, 8, false, true, 0f, false, true, "Tile128x128", 3, 1 },
        new object[] { 1, 4, 6, 0, false, false, 1f, false, false, "Tile128x128", 1, 1 },
        // Multiples of 4 everywhere: every quad inside the matrices is a vector load.
        new object[] { 1, 64, 128, 64, false, false, 0f, false, false, "Tile128x128", 1, 1 },
        new object[] { 2, 36, 260, 24, false, false, 0f, false, false, "Tile64x256", 4, 1 },
        new object[] { 1, 64, 132, 40, true, true, 0f, false, false, "Tile64x256", 1, 1 },
        // Split-K: too few tiles for 8 groups, K deep enough for splits of 128 or more.
        new object[] { 1, 32, 9, 1031, false, true, 0f, false, false, "Tile128x128", 1, 8 },
        new object[] { 1, 32, 12, 1024, false, true, 0f, false, false, "Tile128x128", 1, 8 },
        new object[] { 2, 20, 30, 517, false, false, 1f, false, false, "Tile128x128", 2, 4 },
        new object[] { 1, 7, 13, 263, true, false, 0f, false, false, "Tile128x128", 1, 2 },
        new object[] { 1, 131, 131, 300, false, false, 0.5f, false, false, "Tile128x128", 4, 2 },
    ];

    [TestCaseSource(nameof(Cases))]
    public void MatchesHostReferenceAndCpuAccelerator(int batch, int m, int n, int k, bool transA, bool transB, float beta,
        bool shareA, bool shareB, string tile, int tiles, int splits)
    {
        float[] gpu;
        IReadOnlyList<LaunchRecord> launches;
        using (var log = Gpu.RecordLaunches())
        {
            gpu = GemmTests.Check(Gpu, GemmTests.Path.Tiled, batch, m, n, k, transA, transB, beta, shareA, shareB);
            launches = log.Launches;
        }
        var cpu = GemmTests.Check(Cpu, GemmTests.Path.Dispatch, batch, m, n, k, transA, transB, beta, shareA, shareB);
        // Both lie within the reference's tolerance; entries are below 1 in magnitude and Alpha is 0.75.
        double bound = 2 * Math.Max(1e-5, k * 6e-8) * (0.75 * k + Math.Abs(beta)) + 1e-30;
        Assert.That(gpu, Is.EqualTo(cpu).Within(bound), "the simulated GPU and the CPU accelerator");

        var gemm = launches.Single(l => l.Name.StartsWith("GemmTileKernel.Kernel"));
        Assert.That(gemm.Name, Is.EqualTo($"GemmTileKernel.Kernel<{tile}>"));
        Assert.That((gemm.Config.GridDim.X, gemm.Config.GridDim.Y, gemm.Config.GroupDim.Size), Is.EqualTo((tiles, splits, 256)),
            "tiles, K splits, threads per group");
        Assert.That(launches.Count(l => l.Name == "ElementLoop.Kernel<SumBody>"), Is.EqualTo(splits > 1 ? 1 : 0),
            "one pass adds the partial sums of a split product");
    }

    /// <summary>
    /// Which operands the kernel reads with 128-bit loads: those whose unit-stride index runs along a quad and whose
    /// other strides (and address) are multiples of 4 floats; the others take bounds-checked scalar loads.
    /// </summary>
    [TestCase(1, 64, 128, 64, false, false, true, true)]
    [TestCase(1, 64, 132, 40, true, true, true, true)]
    [TestCase(1, 32, 12, 1024, false, true, true, true)]
    [TestCase(1, 17, 263, 20, false, false, true, false)]
    [TestCase(1, 32, 9, 1031, false, true, false, false)]
    public void LoadsVectorsWhereAligned(int batch, int m, int n, int k, bool transA, bool transB, bool vectorA, bool vectorB)
    {
        object arguments;
        using (var log = Gpu.RecordLaunches())
        {
            GemmTests.Check(Gpu, GemmTests.Path.Tiled, batch, m, n, k, transA, transB, 0f, false, false);
            arguments = log.Launches.Single(l => l.Name.StartsWith("GemmTileKernel.Kernel")).Arguments;
        }
        // NOTE: the kernel's argument types are internal to the kernels assembly: read them by reflection.
        bool Vector(string operand)
        {
            var value = arguments.GetType().GetProperty(operand)!.GetValue(arguments)!;
            return (int)value.GetType().GetField("Vector")!.GetValue(value)! != 0;
        }
        Assert.That((Vector("A"), Vector("B")), Is.EqualTo((vectorA, vectorB)));
    }

    /// <summary>Split-K adds its partial sums in a fixed order, so a product's result is the same bits every launch.</summary>
    [Test]
    public void SplitProductIsDeterministic()
    {
        var first = GemmTests.Check(Gpu, GemmTests.Path.Tiled, 1, 32, 9, 1031, false, true, 0f, false, false);
        var second = GemmTests.Check(Gpu, GemmTests.Path.Tiled, 1, 32, 9, 1031, false, true, 0f, false, false);
        Assert.That(second, Is.EqualTo(first));
    }
}
