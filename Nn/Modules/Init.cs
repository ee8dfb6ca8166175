namespace QSparse.Nn;

/// <summary>PyTorch's parameter initialisers (torch.nn.init).</summary>
public static class Init
{
    /// <summary>fan_in and fan_out as torch computes them: dim 1 and dim 0 times the receptive field.</summary>
    public static (int FanIn, int FanOut) FanInAndFanOut(int[] shape)
    {
        if (shape.Length < 2)
            throw new ArgumentException($"fan in and fan out need at least 2 dimensions, got {ShapeUtil.Format(shape)}");
        int receptive = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>U(-bound, bound) with bound = gain·sqrt(3 / fan_in), gain = sqrt(2 / (1 + a²)) (leaky_relu).</summary>
    public static double KaimingUniformBound(int[] shape, double a)
    {
        var (fanIn, _) = FanInAndFanOut(shape);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        return gain * Math.Sqrt(3.0 / fanIn);
    }

    public static void KaimingUniform(Tensor t, double a, Generator? generator = null) =>
        Uniform(t, KaimingUniformBound(t.Shape, a), generator);

    /// <summary>Fills <paramref name="t"/> with U(-bound, bound).</summary>
    public static void Uniform(Tensor t, double bound, Generator? generator = null)
    {
        using var r = Tensor.Rand(t.Device, t.Shape, generator ?? Defaults.Generator, (float)-bound, (float)bound);
        t.CopyFrom(r);
    }

    /// <summary>
    /// PyTorch's default for Linear and convolutions: kaiming-uniform with a = sqrt(5) for the weight
    /// (bound 1/sqrt(fan_in)) and U(±1/sqrt(fan_in)) for the bias.
    /// </summary>
    public static void DefaultLayer(Tensor weight, Tensor? bias, Generator? generator = null)
    {
        KaimingUniform(weight, Math.Sqrt(5), generator);
        if (bias != null)
        {
            var (fanIn, _) = FanInAndFanOut(weight.Shape);
            Uniform(bias, fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0, generator);
        }
    }
}
