using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Tests;

/// <summary>
/// The strict = false mask expansion (<see cref="MaskKernels.Tile"/>) on every device, the simulated GPU included,
/// against the host expansion PruneLayer ran before it became a kernel: tiled floor(X / M) times, centred,
/// true outside; the batch dimension broadcast or indexed.
/// </summary>
[TestFixtureSource(typeof(Accelerators), nameof(Accelerators.KindsWithSimulatedGpu))]
public class MaskTileTests(string kind)
{
    readonly Device device = Accelerators.Get(kind);

    /// <summary>PruneLayer's former host loop, verbatim in its arithmetic.</summary>
    static bool[] HostExpand(bool[] source, int[] mshape, int[] shape)
    {
        int rank = shape.Length;
        var offset = new int[rank];
        var extent = new int[rank];
        for (int d = 1; d < rank; d++)
        {
            extent[d] = shape[d] / mshape[d] * mshape[d];
            offset[d] = (shape[d] - extent[d]) / 2;
        }
        var result = new bool[shape.Aggregate(1, (a, b) => a * b)];
        var strides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= mshape[d], d--)
            strides[d] = s;
        var index = new int[rank];
        for (int flat = 0; flat < result.Length; flat++)
        {
            int rem = flat, src = 0;
            bool inside = true;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rem % shape[d];
                rem /= shape[d];
            }
            for (int d = 0; d < rank && inside; d++)
            {
                int i = d == 0 ? (mshape[0] == 1 ? 0 : index[0]) : index[d] - offset[d];
                inside = d == 0 || (i >= 0 && i < extent[d]);
                src += (d == 0 ? i : i % mshape[d]) * strides[d];
            }
            result[flat] = !inside || source[src];
        }
        return result;
    }

    bool[] DeviceTile(bool[] source, int[] mshape, int[] shape)
    {
        using var mask = device.Accelerator.Allocate1D(source.Select(b => b ? (byte)1 : (byte)0).ToArray());
        using var y = device.Accelerator.Allocate1D<byte>(shape.Aggregate(1, (a, b) => a * b));
        MaskKernels.Tile(device, mask.View, y.View, MaskTiling.Create(mshape, shape));
        return y.GetAsArray1D().Select(b => b != 0).ToArray();
    }

    [TestCase(new[] { 1, 10, 32, 32 }, new[] { 1, 10, 64, 64 }, TestName = "Tiles 2x2 exactly")]
    [TestCase(new[] { 1, 3, 5, 7 }, new[] { 2, 3, 12, 16 }, TestName = "Tiles centred with a true border")]
    [TestCase(new[] { 1, 4, 9, 9 }, new[] { 3, 4, 5, 5 }, TestName = "Input smaller than the mask: all true")]
    [TestCase(new[] { 1, 3, 4, 4 }, new[] { 2, 3, 4, 4 }, TestName = "Same size: the mask broadcast over the batch")]
    [TestCase(new[] { 2, 3, 4 }, new[] { 2, 5, 9 }, TestName = "A batch of masks, indexed")]
    [TestCase(new[] { 3, 2, 2 }, new[] { 2, 4, 5 }, TestName = "A larger batch of masks")]
    [TestCase(new[] { 1, 6 }, new[] { 4, 13 }, TestName = "Rank 2")]
    [TestCase(new[] { 1, 2, 3, 2, 3 }, new[] { 2, 2, 7, 5, 6 }, TestName = "Rank 5")]
    [TestCase(new[] { 1, 2, 1, 3, 2, 3 }, new[] { 1, 2, 3, 7, 5, 6 }, TestName = "Rank 6")]
    public void MatchesTheHostExpansion(int[] mshape, int[] shape)
    {
        var rng = new Random(mshape.Sum() * 7 + shape.Sum());
        var source = Enumerable.Range(0, mshape.Aggregate(1, (a, b) => a * b)).Select(_ => rng.Next(3) == 0).ToArray();
        Assert.That(DeviceTile(source, mshape, shape), Is.EqualTo(HostExpand(source, mshape, shape)));
    }

    [Test]
    public void RefusesAMaskBatchShorterThanTheInputs() =>
        Assert.Throws<ArgumentException>(() => MaskTiling.Create([2, 3, 3], [3, 6, 6]));
}
