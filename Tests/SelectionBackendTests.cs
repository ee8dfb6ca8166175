using QSparse.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Tests;

/// <summary>
/// Radix selection on every device (the simulated GPU included) against a host sort of the same keys, bit for bit:
/// the shared-histogram path (one and several groups per segment, more segments than resident groups) and the
/// 16-copy global fallback (more than 32 ranks), on data with ties, ±0, ±inf and NaN.
/// </summary>
[TestFixtureSource(typeof(Accelerators), nameof(Accelerators.KindsWithSimulatedGpu))]
public class SelectionBackendTests(string kind)
{
    readonly Device device = Accelerators.Get(kind);

    /// <summary>Few distinct values (ties everywhere) with -0, +0, -inf, +inf and NaN among them.</summary>
    static float[] Values(int count, int distinct, int seed)
    {
        var rng = new Random(seed);
        var pool = Enumerable.Range(0, distinct).Select(_ => (float)(rng.NextDouble() * 200 - 100)).ToArray();
        pool[0] = -0f;
        pool[1] = 0f;
        pool[2] = float.NegativeInfinity;
        pool[3] = float.PositiveInfinity;
        pool[4] = float.NaN;
        return Enumerable.Range(0, count).Select(_ => pool[rng.Next(distinct)]).ToArray();
    }

    /// <summary>The keys of ranks in each row, from a host sort of the rows' keys.</summary>
    static uint[] HostSelect(float[] values, int segments, int length, int[] ranks) =>
        Enumerable.Range(0, segments).SelectMany(s =>
        {
            var keys = values.Skip(s * length).Take(length).Select(FloatKeys.ToKey).Order().ToArray();
            return ranks.Select(r => keys[r]);
        }).ToArray();

    uint[] DeviceSelect(float[] values, int segments, int length, int[] ranks)
    {
        using var x = device.Accelerator.Allocate1D(values);
        using var r = device.Accelerator.Allocate1D(ranks);
        using var selected = device.Accelerator.Allocate1D<uint>(segments * ranks.Length);
        SelectionKernels.Select(device, new FloatKeys(x.View), segments, length, r.View, selected.View);
        return selected.GetAsArray1D();
    }

    static int[] Ranks(int count, int length, int seed)
    {
        var rng = new Random(seed);
        return [0, length - 1, .. Enumerable.Range(0, count - 2).Select(_ => rng.Next(length))];
    }

    [TestCase(1, 20000, 5, 3000, true, TestName = "Shared path, one row over several groups")]
    [TestCase(1, 2000, 32, 50, true, TestName = "Shared path, 32 ranks (32 KB) per group")]
    [TestCase(33, 64, 2, 20, true, TestName = "Shared path, more rows than resident groups")]
    [TestCase(1, 1000, 33, 200, false, TestName = "Global fallback, 33 ranks")]
    [TestCase(1, 4000, 2, 6, true, TestName = "Shared path, six distinct values")]
    public void SelectsTheHostSortKeys(int segments, int length, int rankCount, int distinct, bool shared)
    {
        var values = Values(segments * length, distinct, seed: segments * 31 + rankCount);
        var ranks = Ranks(rankCount, length, seed: length);
        var plan = SelectionKernels.Plan(device, segments, length, rankCount);
        Assert.That(plan.Shared, Is.EqualTo(shared && !device.IsCpu), $"{plan}");
        Assert.That(DeviceSelect(values, segments, length, ranks), Is.EqualTo(HostSelect(values, segments, length, ranks)));
    }

    [Test]
    public void EqualRanksAndAllTiedKeys()
    {
        var values = Enumerable.Repeat(-0f, 5000).ToArray();
        values[4321] = 0f;
        int[] ranks = [4998, 4999, 4999, 0, 4998];
        Assert.That(DeviceSelect(values, 1, 5000, ranks), Is.EqualTo(HostSelect(values, 1, 5000, ranks)));
    }
}
