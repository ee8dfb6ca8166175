using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>The counter-based draws of <see cref="CounterRandom"/>: element i hashes (seed, offset + i).</summary>
static class IlgpuRandom
{
    internal readonly struct UniformBody(ArrayView<float> y, ulong seed, ulong offset, float low, float high)
        : IElementBody
    {
        public void Run(int i) =>
            y[i] = ExactMath.Add(low, ExactMath.Mul(ExactMath.Sub(high, low), CounterRandom.Uniform(seed, offset + (ulong)i)));
    }

    internal readonly struct NormalBody(ArrayView<float> y, ulong seed, ulong offset, float mean, float std)
        : IElementBody
    {
        public void Run(int i)
        {
            // Box-Muller on two independent counters; u1 in (0, 1] keeps the log finite.
            ulong c = offset + (ulong)i;
            float u1 = 1f - CounterRandom.Uniform(seed, 2 * c);
            float u2 = CounterRandom.Uniform(seed, 2 * c + 1);
            y[i] = mean + std * XMath.Sqrt(-2f * XMath.Log(u1)) * XMath.Cos(2f * XMath.PI * u2);
        }
    }

    /// <summary>1 with probability keep, else 0, scaled by scale (dropout masks).</summary>
    internal readonly struct BernoulliBody(ArrayView<float> y, ulong seed, ulong offset, float keep, float scale)
        : IElementBody
    {
        public void Run(int i) => y[i] = CounterRandom.Bernoulli(seed, offset + (ulong)i, keep, scale);
    }

    public static void Uniform(Device d, ArrayView<float> y, ulong seed, ulong offset, float low, float high) =>
        d.ForEach((int)y.Length, new UniformBody(y, seed, offset, low, high));

    public static void Normal(Device d, ArrayView<float> y, ulong seed, ulong offset, float mean, float std) =>
        d.ForEach((int)y.Length, new NormalBody(y, seed, offset, mean, std));

    public static void Bernoulli(Device d, ArrayView<float> y, ulong seed, ulong offset, float keep, float scale) =>
        d.ForEach((int)y.Length, new BernoulliBody(y, seed, offset, keep, scale));
}
