using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// The GPU shapes of radix selection: per-group shared-memory histograms (the per-key atomics stay inside a
/// multiprocessor; one global atomic per nonzero bin per group) and one group per query to choose the digit.
/// NOTE: counting is exact integer arithmetic, so the selected keys are those of the CPU path bit for bit.
/// </summary>
static partial class IlgpuSelection
{
    internal readonly record struct SharedHistogramArgs<TKeys>(TKeys Keys, ArrayView<uint> Prefix,
        ArrayView<int> Histogram, SelectPass Pass, int GroupsPerSegment) where TKeys : struct, ISelectKeys;

    internal readonly record struct ChooseArgs(ArrayView<int> Histogram, ArrayView<uint> Prefix,
        ArrayView<int> Remaining, SelectPass Pass);

    /// <summary>
    /// Group g counts part g % GroupsPerSegment of segment g / GroupsPerSegment (its keys strided over the
    /// segment's groups, so neighbouring threads read neighbouring keys) into R shared histograms, then adds
    /// each nonzero bin to the segment's global histogram (one copy: Queries × 256).
    /// </summary>
    static void SharedHistogramKernel<TKeys>(SharedHistogramArgs<TKeys> args) where TKeys : struct, ISelectKeys
    {
        var (keys, prefix, histogram, p, groupsPerSegment) = args;
        var bins = SharedMemory.GetDynamic<int>();
        int binCount = p.Ranks * Bins;
        for (int b = Group.IdxX; b < binCount; b += Group.DimX)
            bins[b] = 0;
        Group.Barrier();

        int segment = Grid.IdxX / groupsPerSegment, part = Grid.IdxX - segment * groupsPerSegment;
        int q0 = segment * p.Ranks, first = segment * p.Length, stride = groupsPerSegment * Group.DimX;
        for (int i = part * Group.DimX + Group.IdxX; i < p.Length; i += stride)
        {
            uint key = keys.Key(first + i);
            int digit = (int)((key >> p.Shift) & (Bins - 1));
            for (int k = 0; k < p.Ranks; k++)
                if ((key & p.Mask) == prefix[q0 + k])
                    Atomic.Add(ref bins[k * Bins + digit], 1);
        }
        Group.Barrier();

        // The R histograms of the segment's queries lie contiguously from q0 · 256, as in shared memory.
        for (int b = Group.IdxX; b < binCount; b += Group.DimX)
        {
            int count = bins[b];
            if (count != 0)
                Atomic.Add(ref histogram[q0 * Bins + b], count);
        }
    }

    /// <summary>
    /// Group q, thread b: bin b of query q summed over the copies (and cleared). An inclusive prefix over the 256 bins
    /// in shared memory (Hillis–Steele, 8 steps) gives every thread the count below and through its bin; the one bin
    /// holding the remaining rank fixes the digit, as <see cref="ChooseBody"/>. NOTE: shared memory and barriers only,
    /// no warp shuffles: ILGPU's OpenCL backend has none.
    /// </summary>
    static void ChooseKernel(ChooseArgs args)
    {
        var (histogram, prefix, remaining, p) = args;
        var scan = SharedMemory.Allocate<int>(Bins);
        int q = Grid.IdxX, b = Group.IdxX, count = 0;
        for (int c = 0; c < p.Copies; c++)
        {
            int at = (c * p.Queries + q) * Bins + b;
            count += histogram[at];
            histogram[at] = 0;
        }
        // NOTE: read before the barrier: the thread that finds the bin rewrites it after.
        int need = remaining[q];

        scan[b] = count;
        Group.Barrier();
        for (int delta = 1; delta < Bins; delta <<= 1)
        {
            int below = b >= delta ? scan[b - delta] : 0;
            Group.Barrier();
            scan[b] += below;
            Group.Barrier();
        }
        int inclusive = scan[b];

        int before = inclusive - count;
        bool holds = before <= need && need < inclusive;
        // NOTE: a rank past the row's keys takes the last bin, less every key, as ChooseBody does.
        bool past = b == Bins - 1 && need >= inclusive;
        if (holds || past)
        {
            remaining[q] = need - (holds ? before : inclusive);
            prefix[q] |= (uint)b << p.Shift;
        }
    }

    static void SharedHistogram<TKeys>(Device d, SelectPlan plan, TKeys keys, ArrayView<uint> prefix,
        ArrayView<int> histogram, SelectPass p) where TKeys : struct, ISelectKeys
    {
        var config = new KernelConfig(new Index1D(plan.Groups), new Index1D(plan.GroupSize),
            SharedMemoryConfig.RequestDynamic<int>(plan.SharedInts));
        d.Kernel<SharedHistogramArgs<TKeys>>(SharedHistogramKernel)(config,
            new SharedHistogramArgs<TKeys>(keys, prefix, histogram, p, plan.GroupsPerSegment));
    }

    static void Choose(Device d, ArrayView<int> histogram, ArrayView<uint> prefix, ArrayView<int> remaining, SelectPass p) =>
        d.Kernel<ChooseArgs>(ChooseKernel)(new KernelConfig(p.Queries, Bins), new ChooseArgs(histogram, prefix, remaining, p));
}
