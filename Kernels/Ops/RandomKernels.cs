using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Counter-based random draws (<see cref="CounterRandom"/>): element i hashes (seed, offset + i), so every
/// backend and every launch shape produces the same values for the same seed.
/// </summary>
public static class RandomKernels
{
    /// <summary>y[i] uniform in [low, high).</summary>
    public static void Uniform(Device d, ArrayView<float> y, ulong seed, ulong offset, float low, float high) =>
        d.Backend.Uniform(y, seed, offset, low, high);

    /// <summary>y[i] normal with the given mean and standard deviation (Box-Muller).</summary>
    public static void Normal(Device d, ArrayView<float> y, ulong seed, ulong offset, float mean, float std) =>
        d.Backend.Normal(y, seed, offset, mean, std);

    /// <summary>y[i] = <paramref name="scale"/> with probability <paramref name="keep"/>, else 0 (dropout masks).</summary>
    public static void Bernoulli(Device d, ArrayView<float> y, ulong seed, ulong offset, float keep, float scale) =>
        d.Backend.Bernoulli(y, seed, offset, keep, scale);
}
