using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Tests.GpuShapes;

/// <summary>
/// Radix selection's GPU launch shapes on the simulated GPU, read from <see cref="Device.RecordLaunches"/>: the shared-
/// histogram kernel with the plan's groups and shared memory, one group of 256 per query to choose, the global
/// fallback above 32 ranks; and the global atomics the plan bounds, before and after, for a 16M quantile on 132 SMs.
/// </summary>
public class SelectionLaunchTests
{
    static readonly Device Gpu = Accelerators.Get(Accelerators.SimulatedGpu);

    static IReadOnlyList<LaunchRecord> RecordSelect(int segments, int length, int[] ranks)
    {
        var rng = new Random(length);
        var values = Enumerable.Range(0, segments * length).Select(_ => (float)rng.NextDouble()).ToArray();
        using var x = Gpu.Accelerator.Allocate1D(values);
        using var r = Gpu.Accelerator.Allocate1D(ranks);
        using var selected = Gpu.Accelerator.Allocate1D<uint>(segments * ranks.Length);
        using var log = Gpu.RecordLaunches();
        SelectionKernels.Select(Gpu, new FloatKeys(x.View), segments, length, r.View, selected.View);
        Gpu.Synchronize();
        return log.Launches;
    }

    static LaunchRecord[] Named(IReadOnlyList<LaunchRecord> launches, string name) =>
        launches.Where(l => l.Name.StartsWith(name)).ToArray();

    [Test]
    public void AQuantileCountsInSharedMemoryAndChoosesOneGroupPerQuery()
    {
        const int length = 20000;
        int[] ranks = [9999, 10000, length - 1];
        var plan = SelectionKernels.Plan(Gpu, 1, length, ranks.Length);
        var launches = RecordSelect(1, length, ranks);

        var histograms = Named(launches, "IlgpuSelection.SharedHistogramKernel<FloatKeys>");
        Assert.That(histograms, Has.Length.EqualTo(SelectPlan.Passes));
        Assert.That(plan.Groups, Is.GreaterThan(1), "several groups share the row");
        foreach (var h in histograms)
        {
            Assert.That(h.Config.GridDim.X, Is.EqualTo(plan.Groups));
            Assert.That(h.Config.GroupDim.X, Is.EqualTo(Device.GpuGroupSize));
            Assert.That(h.Config.SharedMemoryConfig.NumElements, Is.EqualTo(ranks.Length * SelectPlan.Bins));
        }
        var chooses = Named(launches, "IlgpuSelection.ChooseKernel");
        Assert.That(chooses, Has.Length.EqualTo(SelectPlan.Passes));
        Assert.That(chooses.Select(c => (c.Config.GridDim.X, c.Config.GroupDim.X)),
            Is.All.EqualTo((ranks.Length, SelectPlan.Bins)));
        Assert.That(Named(launches, "IlgpuSelection.HistogramKernel"), Is.Empty);

        // Each group adds each of its R·256 bins at most once per pass; the global path adds once per key per rank.
        long atomics = histograms.Sum(h => (long)h.Config.GridDim.X * ranks.Length * SelectPlan.Bins);
        Assert.That(atomics, Is.EqualTo(plan.AtomicsBound));
        Assert.That(atomics, Is.LessThan((long)length * ranks.Length), "fewer than the global path's first pass alone");
    }

    [Test]
    public void MoreThan32RanksFallBackToSixteenGlobalCopies()
    {
        var ranks = Enumerable.Range(0, 33).Select(i => i * 30).ToArray();
        var plan = SelectionKernels.Plan(Gpu, 1, 1000, ranks.Length);
        Assert.That((plan.Shared, plan.Copies), Is.EqualTo((false, 16)));
        var launches = RecordSelect(1, 1000, ranks);
        Assert.That(Named(launches, "IlgpuSelection.SharedHistogramKernel"), Is.Empty);
        Assert.That(Named(launches, "IlgpuSelection.HistogramKernel<FloatKeys>"), Has.Length.EqualTo(SelectPlan.Passes));
        Assert.That(Named(launches, "IlgpuSelection.ChooseKernel"), Has.Length.EqualTo(SelectPlan.Passes));
    }

    /// <summary>
    /// A 16M-element quantile (3 ranks: below, above, the maximum) on a 132-SM GPU (8 resident groups of 256 each):
    /// 1056 groups, at most 4 · 1056 · 3 · 256 = 3,244,032 global atomics, against 50,331,648 in the global path's
    /// first pass alone (every key, every rank) and up to 4 times that over the four passes.
    /// </summary>
    [Test]
    public void A16MQuantileOn132MultiprocessorsTakesAtMost3MGlobalAtomics()
    {
        const int sms = 132, length = 1 << 24, ranks = 3, groupsPerSm = 8;
        int threads = sms * groupsPerSm * Device.GpuGroupSize;
        var shared = SelectPlan.For(1, length, ranks, isCpu: false, threads, sms * groupsPerSm, Device.GpuGroupSize, 48 * 1024);
        var global = SelectPlan.For(1, length, ranks, isCpu: false, threads, sms * groupsPerSm, Device.GpuGroupSize, 0);
        Assert.That((shared.Shared, shared.Groups, shared.SharedBytes), Is.EqualTo((true, 1056, 3072)));
        Assert.That(shared.AtomicsBound, Is.EqualTo(3_244_032));
        Assert.That((global.Shared, global.Copies, global.AtomicsBound), Is.EqualTo((false, 16, 4L * 50_331_648)));
    }
}
