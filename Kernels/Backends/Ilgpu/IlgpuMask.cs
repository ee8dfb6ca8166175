using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Bool-mask kernels of the pruning callbacks.</summary>
static class IlgpuMask
{
    internal readonly record struct CountOffArgs(ElementRange Range, ArrayView<byte> Mask, ArrayView<int> Count);

    internal readonly record struct SwitchOffArgs(ElementRange Range, ArrayView<byte> Mask, RandomMaskKeys Keys,
        ArrayView<uint> Threshold);

    /// <summary>Each thread counts its zeros, then adds them once (one atomic per thread, not per element).</summary>
    static void CountOffKernel(CountOffArgs args)
    {
        var (r, mask, count) = args;
        int t = Grid.GlobalIndex.X, local = 0;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) break;
            if (mask[i] == 0) local++;
        }
        Atomic.Add(ref count[0], local);
    }

    /// <summary>Switches off every entry whose key is at most the selected threshold key.</summary>
    static void SwitchOffKernel(SwitchOffArgs args)
    {
        var (r, mask, keys, threshold) = args;
        int t = Grid.GlobalIndex.X;
        uint limit = threshold[0];
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            if (keys.Key(i) <= limit) mask[i] = 0;
        }
    }

    /// <summary>Output o: the mask entry the tiling maps it to (0 or 1), or 1 outside the tiles.</summary>
    internal readonly struct TileBody(ArrayView<byte> mask, ArrayView<byte> y, MaskTiling tiling) : IElementBody
    {
        public void Run(int o)
        {
            int src = tiling.Source(o);
            y[o] = src < 0 || mask[src] != 0 ? (byte)1 : (byte)0;
        }
    }

    /// <summary>count[0] = the number of zero entries of mask.</summary>
    public static void CountOff(Device d, ArrayView<byte> mask, ArrayView<int> count)
    {
        CopyKernels.Fill(d, count, 0);
        var (config, range) = d.Elements((int)mask.Length);
        d.Kernel<CountOffArgs>(CountOffKernel)(config, new CountOffArgs(range, mask, count));
    }

    /// <summary>
    /// Switches off the <paramref name="count"/> on entries of mask with the smallest random keys
    /// (salted by <paramref name="salt1"/>, <paramref name="salt2"/>); 1 ≤ count ≤ on entries.
    /// </summary>
    public static void SwitchOffRandom(Device d, ArrayView<byte> mask, int count, uint salt1, uint salt2)
    {
        var keys = new RandomMaskKeys(mask, salt1, salt2);
        var scratch = d.Pool.Rent(2 * sizeof(int));
        try
        {
            var rank = scratch.As<int>(2).SubView(0, 1);
            var threshold = scratch.As<uint>(2).SubView(1, 1);
            CopyKernels.Fill(d, rank, count - 1);
            SelectionKernels.Select(d, keys, 1, (int)mask.Length, rank, threshold);
            var (config, range) = d.Elements((int)mask.Length);
            d.Kernel<SwitchOffArgs>(SwitchOffKernel)(config, new SwitchOffArgs(range, mask, keys, threshold));
        }
        finally
        {
            d.Pool.Return(scratch);
        }
    }

    /// <summary>y (the tiling's output shape) = mask expanded as <paramref name="tiling"/> says.</summary>
    public static void Tile(Device d, ArrayView<byte> mask, ArrayView<byte> y, MaskTiling tiling) =>
        d.ForEach((int)y.Length, new TileBody(mask, y, tiling));
}
