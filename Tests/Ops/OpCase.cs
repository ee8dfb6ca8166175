using QSparse.Nn;

namespace QSparse.Tests.Ops;

/// <summary>
/// One row of the op table: an op as a function of tensors, how to make its inputs, its float64 host
/// reference and the tolerances it is held to. <see cref="OpTable"/> lists the rows; the tests in this
/// folder run every row on every device.
/// </summary>
/// <param name="Name">Short and unique: failures read "conv2d stride2 pad1: forward ...".</param>
/// <param name="Inputs">The op's arguments, in order.</param>
/// <param name="Op">The op under test; tensors in the order of <paramref name="Inputs"/>.</param>
/// <param name="Reference">The forward on the host in float64, or null where <see cref="Property"/> checks the output instead.</param>
public sealed record OpCase(string Name, OpInput[] Inputs, Func<Tensor[], Tensor> Op, Func<HostArray[], HostArray>? Reference)
{
    /// <summary>Forward against the reference.</summary>
    public Tol Forward { get; init; } = new(1e-5, 1e-6);

    /// <summary>Autograd against the gradient reference.</summary>
    public Tol Gradient { get; init; } = new(1e-4, 1e-5);

    /// <summary>An overriding backend against the base backend; gradients get 10 times the absolute tolerance.</summary>
    public Tol Backend { get; init; } = new(1e-5, 1e-5);

    /// <summary>K, the longest sum of products behind one output or gradient element: absolute tolerances scale by √K.</summary>
    public int SumLength { get; init; } = 1;

    public GradientCheck Check { get; init; } = GradientCheck.HostDifferences;

    /// <summary>For <see cref="GradientCheck.HostBackward"/>: (inputs, gradOut) → the gradient of each input (null for the non-differentiable ones).</summary>
    public Func<HostArray[], HostArray, HostArray?[]>? Backward { get; init; }

    /// <summary>For rows without a reference: the output's check on the host, returning a failure message or null.</summary>
    public Func<HostArray[], float[], string?>? Property { get; init; }

    /// <summary>At most this many elements of each input get their own finite difference (plus one directional difference over all).</summary>
    public int GradSamples { get; init; } = 64;

    /// <summary>The float32 step of <see cref="GradientCheck.OpDifferences"/>.</summary>
    public double FloatStep { get; init; } = 1e-2;

    /// <summary>A known library bug this row finds: the row is reported ignored with this reason.</summary>
    public string? Bug { get; init; }

    /// <summary>√<see cref="SumLength"/>.</summary>
    public double Scale => Math.Sqrt(SumLength);

    public override string ToString() => Name;
}
