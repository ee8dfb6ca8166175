using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// The two terms summed per channel for each element of a <see cref="ChannelShape"/> tensor (x for a mean,
/// dy and dy·(x - mean) for batch norm's parameter gradients).
/// </summary>
internal interface IChannelTerms
{
    /// <summary>The terms of the element at linear offset <paramref name="offset"/>, of channel <paramref name="c"/>.</summary>
    void Terms(int c, int offset, out double first, out double second);
}

/// <summary>
/// The one argument of <see cref="IlgpuChannelSums.SumsKernel{TTerms}"/>: partials [channels·splits, 2], and
/// (StepN, StepR) = divmod(GroupSize, Inner), how a thread's (batch, plane) position advances from one element to its next.
/// NOTE: computed on the host: ILGPU places a division of kernel parameters at its use, inside the loop.
/// </summary>
internal readonly record struct ChannelSumsArgs<TTerms>(TTerms Terms, ChannelShape Shape, int Splits, int StepN, int StepR,
    ArrayView<double> Partials) where TTerms : struct, IChannelTerms;

/// <summary>
/// Per-channel sums on GPUs: each channel's elements are cut into splits of <see cref="SplitLength"/>, one group of
/// <see cref="GroupSize"/> threads per (channel, split), each thread summing every 256th element (consecutive threads
/// read consecutive addresses), then a fixed shared-memory tree; the caller adds each channel's split partials in
/// order (<see cref="Total"/>). NOTE: the splits depend on the shape only and every addition has a fixed place, so
/// the sums are the same on every run and every GPU, whatever its multiprocessors. Accumulated in double, as the CPU
/// path (one thread per channel): the two differ only by the order of double additions.
/// </summary>
static class IlgpuChannelSums
{
    /// <summary>Threads per group; the tree halves it down to one.</summary>
    public const int GroupSize = Device.GpuGroupSize;

    /// <summary>
    /// Elements per split: 32 per thread. At batch 256 the seed network's bn1 (32 channels of 173,056) makes 704 groups and
    /// bn2 (64 of 147,456) 1,152: 5 and 9 per multiprocessor of an H200 (132), from 32 and 64 threads in all before.
    /// </summary>
    public const int SplitLength = 8192;

    /// <summary>Splits per channel of <paramref name="s"/>.</summary>
    public static int Splits(ChannelShape s) => Math.Max(1, (s.PerChannel + SplitLength - 1) / SplitLength);

    /// <summary>
    /// Group (channel c, split p) writes its two sums to partials[2·(c·splits + p)] and the element after.
    /// </summary>
    static void SumsKernel<TTerms>(ChannelSumsArgs<TTerms> args) where TTerms : struct, IChannelTerms
    {
        var firsts = SharedMemory.Allocate<double>(GroupSize);
        var seconds = SharedMemory.Allocate<double>(GroupSize);
        int t = Group.IdxX, g = Grid.IdxX;
        int c = g / args.Splits, begin = (g - c * args.Splits) * SplitLength;
        int end = begin + SplitLength < args.Shape.PerChannel ? begin + SplitLength : args.Shape.PerChannel;
        // NOTE: element k sits at (n·C + c)·Inner + r with (n, r) = divmod(k, Inner) (ChannelShape.Offset); (n, r) is
        // stepped by (StepN, StepR) with one carry, so the loop does no integer division per element.
        int inner = args.Shape.Inner, channels = args.Shape.Channels, stepN = args.StepN, stepR = args.StepR;
        int n = (begin + t) / inner, r = begin + t - n * inner;
        double first = 0, second = 0;
        for (int k = begin + t; k < end; k += GroupSize)
        {
            args.Terms.Terms(c, (n * channels + c) * inner + r, out double a, out double b);
            first += a;
            second += b;
            n += stepN;
            r += stepR;
            if (r >= inner)
            {
                r -= inner;
                n++;
            }
        }
        firsts[t] = first;
        seconds[t] = second;
        Group.Barrier();
        for (int half = GroupSize / 2; half > 0; half /= 2)
        {
            if (t < half)
            {
                firsts[t] += firsts[t + half];
                seconds[t] += seconds[t + half];
            }
            Group.Barrier();
        }
        if (t == 0)
        {
            args.Partials[2 * g] = firsts[0];
            args.Partials[2 * g + 1] = seconds[0];
        }
    }

    /// <summary>Launches one group per (channel, split) of <paramref name="s"/>; partials holds 2·channels·<see cref="Splits"/>.</summary>
    public static void Sums<TTerms>(Device d, TTerms terms, ChannelShape s, ArrayView<double> partials)
        where TTerms : struct, IChannelTerms
    {
        int splits = Splits(s);
        if (s.Channels == 0)
            return;
        // NOTE: empty channels (Batch or Inner 0) are summed as [0, C, 1]: the same zero sums, no division by a zero Inner.
        var shape = s.PerChannel == 0 ? new ChannelShape(0, s.Channels, 1) : s;
        d.Kernel<ChannelSumsArgs<TTerms>>(SumsKernel)(new KernelConfig(s.Channels * splits, GroupSize),
            new ChannelSumsArgs<TTerms>(terms, shape, splits, GroupSize / shape.Inner, GroupSize % shape.Inner, partials));
    }

    /// <summary>Channel c's sum of term <paramref name="term"/> (0 or 1): its split partials added in order.</summary>
    public static double Total(ArrayView<double> partials, int c, int splits, int term)
    {
        double sum = 0;
        for (int p = 0; p < splits; p++)
            sum += partials[2 * (c * splits + p) + term];
        return sum;
    }
}
