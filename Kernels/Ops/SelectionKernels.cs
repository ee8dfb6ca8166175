using ILGPU;

namespace QSparse.Kernels;

/// <summary>Exact order statistics (radix selection, segmented) and their interpolation, all on the device.</summary>
public static class SelectionKernels
{
    /// <summary>
    /// selected[row · R + k] = the key of rank ranks[k] among keys row·length .. row·length + length - 1,
    /// for every row of <paramref name="segments"/> and every k of the R = ranks.Length ranks.
    /// </summary>
    public static void Select<TKeys>(Device d, TKeys keys, int segments, int length, ArrayView<int> ranks,
        ArrayView<uint> selected) where TKeys : struct, ISelectKeys => d.Backend.Select(keys, segments, length, ranks, selected);

    /// <summary>How the ILGPU kernels select <paramref name="ranks"/> ranks in each of <paramref name="segments"/> rows of <paramref name="length"/> keys on <paramref name="d"/>.</summary>
    public static SelectPlan Plan(Device d, int segments, int length, int ranks)
    {
        var (config, _) = d.Elements(segments * length);
        return SelectPlan.For(segments, length, ranks, d.IsCpu, config.GridDim.X * config.GroupDim.X,
            d.ParallelThreads / Device.GpuGroupSize, Device.GpuGroupSize, d.Accelerator.MaxSharedMemoryPerGroup);
    }

    /// <summary>
    /// output [segments, F] from the selected float keys [segments, R] (see <see cref="Select{TKeys}"/>):
    /// plan holds the R ranks, then F indices below and F indices above into them; weights [F] the
    /// interpolation weights; <paramref name="nanCheck"/> the index of the row maximum's rank when a NaN
    /// there must make the outputs NaN (torch.quantile), else -1 (NaN sorts last, as torch.sort).
    /// </summary>
    public static void Interpolate(Device d, ArrayView<uint> selected, ArrayView<int> plan, ArrayView<float> weights,
        ArrayView<float> output, int segments, int ranks, int nanCheck) =>
        d.Backend.Interpolate(selected, plan, weights, output, segments, ranks, nanCheck);
}
