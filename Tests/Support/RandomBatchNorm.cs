using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Non-trivial BatchNorm state for tests of folding: γ in [0.5, 1.5), β and mean in [-1, 1), variance in [0.5, 2).</summary>
public static class RandomBatchNorm
{
    /// <summary>Gives <paramref name="bn"/> random affine parameters and running statistics from <paramref name="g"/>.</summary>
    public static void Randomize(BatchNorm bn, Generator g)
    {
        int c = bn.NumFeatures;
        var device = bn.Device;
        bn.Weight!.CopyFrom(Tensor.Rand(device, [c], g, 0.5f, 1.5f));
        bn.Bias!.CopyFrom(Tensor.Rand(device, [c], g, -1, 1));
        bn.RunningMean!.CopyFrom(Tensor.Rand(device, [c], g, -1, 1));
        bn.RunningVar!.CopyFrom(Tensor.Rand(device, [c], g, 0.5f, 2));
    }
}
