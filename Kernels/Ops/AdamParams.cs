namespace QSparse.Kernels;

/// <summary>
/// The scalars of one Adam update (torch.optim.Adam). The bias corrections depend on the step
/// count only, so the host computes them in double, as PyTorch does, and rounds the results to float.
/// </summary>
public struct AdamParams
{
    /// <summary>The decay of the gradient average.</summary>
    public float Beta1;
    /// <summary>1 - beta1, rounded from double.</summary>
    public float OneMinusBeta1;
    /// <summary>The decay of the squared-gradient average.</summary>
    public float Beta2;
    /// <summary>1 - beta2, rounded from double.</summary>
    public float OneMinusBeta2;
    /// <summary>Added to the denominator.</summary>
    public float Eps;
    /// <summary>The L2 penalty added to the gradient.</summary>
    public float WeightDecay;
    /// <summary>lr / (1 - beta1^step).</summary>
    public float StepSize;
    /// <summary>sqrt(1 - beta2^step).</summary>
    public float BiasCorrection2Sqrt;
    /// <summary>The new step count, stored in the state's 0-d step tensor.</summary>
    public float Step;
}
