using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Counter-based random numbers: element i of a draw hashes (seed, offset + i), so every device
/// and every launch shape produces the same values for the same seed, and no state lives on the device.
/// </summary>
public static class RandomKernels
{
    /// <summary>SplitMix64's finaliser: a bijective mix with good avalanche.</summary>
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    internal static float Uniform(ulong seed, ulong counter) =>
        (Mix(seed + counter * 0x9E3779B97F4A7C15UL) >> 40) * (1f / 16777216f);

    static void UniformKernel(ElementRange r, ArrayView<float> y, ulong seed, ulong offset, float low, float high)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = low + (high - low) * Uniform(seed, offset + (ulong)i);
        }
    }

    static void NormalKernel(ElementRange r, ArrayView<float> y, ulong seed, ulong offset, float mean, float std)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            // Box-Muller on two independent counters; u1 in (0, 1] keeps the log finite.
            ulong c = offset + (ulong)i;
            float u1 = 1f - Uniform(seed, 2 * c);
            float u2 = Uniform(seed, 2 * c + 1);
            y[i] = mean + std * XMath.Sqrt(-2f * XMath.Log(u1)) * XMath.Cos(2f * XMath.PI * u2);
        }
    }

    /// <summary>1 with probability <paramref name="keep"/>, else 0, scaled by <paramref name="scale"/> (dropout masks).</summary>
    static void BernoulliKernel(ElementRange r, ArrayView<float> y, ulong seed, ulong offset, float keep, float scale)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = Uniform(seed, offset + (ulong)i) < keep ? scale : 0f;
        }
    }

    public static void Uniform(Device d, ArrayView<float> y, ulong seed, ulong offset, float low, float high)
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ulong, ulong, float, float>(UniformKernel)(config, range, y, seed, offset, low, high);
    }

    public static void Normal(Device d, ArrayView<float> y, ulong seed, ulong offset, float mean, float std)
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ulong, ulong, float, float>(NormalKernel)(config, range, y, seed, offset, mean, std);
    }

    public static void Bernoulli(Device d, ArrayView<float> y, ulong seed, ulong offset, float keep, float scale)
    {
        if (d.NativeCpu)
        {
            d.Synchronize();
            NativeBernoulli(y.Address(), (int)y.Length, seed, offset, keep, scale);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ulong, ulong, float, float>(BernoulliKernel)(config, range, y, seed, offset, keep, scale);
    }

    /// <summary>The native path of <see cref="Bernoulli"/>: the same counters, so the same masks.</summary>
    static unsafe void NativeBernoulli(nint py, int count, ulong seed, ulong offset, float keep, float scale) =>
        NativeLoops.For(count, (begin, end) =>
        {
            float* ys = (float*)py;
            for (int i = begin; i < end; i++)
                ys[i] = Uniform(seed, offset + (ulong)i) < keep ? scale : 0f;
        });
}
