using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// PyTorch's parameter initialisers (torch.nn.init), in place on a float32 tensor, returning it. The random
/// ones draw from their <c>generator</c> (default <see cref="Defaults.Generator"/>) with the device-side
/// counter-based random of <see cref="Tensor.Rand"/> and <see cref="Tensor.Randn"/>, so every backend fills
/// the same values.
/// </summary>
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

    /// <summary>
    /// The recommended gain of <paramref name="nonlinearity"/> (torch.nn.init.calculate_gain);
    /// <paramref name="param"/> is leaky_relu's negative slope (0.01 when null).
    /// </summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, $"unsupported nonlinearity {nonlinearity}"),
    };

    /// <summary>Kaiming's standard deviation gain / sqrt(fan), with gain = calculate_gain(nonlinearity, a).</summary>
    public static double KaimingStd(int[] shape, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        var (fanIn, fanOut) = FanInAndFanOut(shape);
        return CalculateGain(nonlinearity, a) / Math.Sqrt(mode == FanMode.FanIn ? fanIn : fanOut);
    }

    /// <summary>kaiming_uniform_'s bound sqrt(3)·<see cref="KaimingStd"/>.</summary>
    public static double KaimingUniformBound(int[] shape, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) => Math.Sqrt(3.0) * KaimingStd(shape, a, mode, nonlinearity);

    /// <summary>Xavier's standard deviation gain·sqrt(2 / (fan_in + fan_out)).</summary>
    public static double XavierStd(int[] shape, double gain = 1)
    {
        var (fanIn, fanOut) = FanInAndFanOut(shape);
        return gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }

    /// <summary>Fills <paramref name="t"/> with U(a, b) (uniform_), a ≤ b.</summary>
    public static Tensor Uniform(Tensor t, double a = 0, double b = 1, Generator? generator = null)
    {
        if (!(a <= b))
            throw new ArgumentException($"uniform_ expects to return a [from, to) range, but found from={a} > to={b}", nameof(a));
        using var r = Tensor.Rand(t.Device, t.Shape, generator ?? Defaults.Generator, (float)a, (float)b);
        return t.CopyFrom(r);
    }

    /// <summary>Fills <paramref name="t"/> with the symmetric U(-bound, bound).</summary>
    public static Tensor Uniform(Tensor t, double bound, Generator? generator) => Uniform(t, -bound, bound, generator);

    /// <summary>Fills <paramref name="t"/> with N(mean, std²) (normal_), std ≥ 0.</summary>
    public static Tensor Normal(Tensor t, double mean = 0, double std = 1, Generator? generator = null)
    {
        if (!(std >= 0))
            throw new ArgumentOutOfRangeException(nameof(std), std, $"normal_ expects std >= 0.0, but found std {std}");
        var g = generator ?? Defaults.Generator;
        using var r = Tensor.Empty(t.Device, t.Shape);
        RandomKernels.Normal(t.Device, r.F32, g.Seed, g.Take(2 * r.Numel), (float)mean, (float)std);
        return t.CopyFrom(r);
    }

    /// <summary>Fills <paramref name="t"/> with <paramref name="value"/> (constant_).</summary>
    public static Tensor Constant(Tensor t, double value) => t.Fill(value);

    /// <summary>Fills <paramref name="t"/> with zeros (zeros_).</summary>
    public static Tensor Zeros(Tensor t) => t.Fill(0);

    /// <summary>Fills <paramref name="t"/> with ones (ones_).</summary>
    public static Tensor Ones(Tensor t) => t.Fill(1);

    /// <summary>kaiming_uniform_: U(-bound, bound) with bound = sqrt(3)·gain / sqrt(fan).</summary>
    public static Tensor KaimingUniform(Tensor t, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        double bound = KaimingUniformBound(t.Shape, a, mode, nonlinearity);
        return Uniform(t, -bound, bound, generator);
    }

    /// <summary>kaiming_uniform_ with leaky_relu's gain for slope <paramref name="a"/> and fan_in (PyTorch's defaults).</summary>
    public static Tensor KaimingUniform(Tensor t, double a, Generator? generator) =>
        KaimingUniform(t, a, FanMode.FanIn, Nonlinearity.LeakyRelu, generator);

    /// <summary>kaiming_normal_: N(0, std²) with std = gain / sqrt(fan).</summary>
    public static Tensor KaimingNormal(Tensor t, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null) =>
        Normal(t, 0, KaimingStd(t.Shape, a, mode, nonlinearity), generator);

    /// <summary>xavier_uniform_: U(-a, a) with a = sqrt(3)·gain·sqrt(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor t, double gain = 1, Generator? generator = null)
    {
        double bound = Math.Sqrt(3.0) * XavierStd(t.Shape, gain);
        return Uniform(t, -bound, bound, generator);
    }

    /// <summary>xavier_normal_: N(0, std²) with std = gain·sqrt(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor t, double gain = 1, Generator? generator = null) =>
        Normal(t, 0, XavierStd(t.Shape, gain), generator);

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
