namespace QSparse.Tests.Ops;

/// <summary>How an op case's backward is checked.</summary>
public enum GradientCheck
{
    /// <summary>Central differences of the float64 host reference (the default; see <see cref="OpGradientTests"/>).</summary>
    HostDifferences,

    /// <summary>A host float64 backward given by the row (the quantizer's straight-through rule, analytic GEMM gradients for large products).</summary>
    HostBackward,

    /// <summary>Central differences of the op itself in float32, for ops without a host forward (dropout in training).</summary>
    OpDifferences,

    /// <summary>Not differentiable (comparisons, running statistics).</summary>
    None,
}
