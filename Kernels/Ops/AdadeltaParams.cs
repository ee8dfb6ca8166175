namespace QSparse.Kernels;

/// <summary>The scalars of one Adadelta update (torch.optim.Adadelta), rounded to float.</summary>
public struct AdadeltaParams
{
    /// <summary>The learning rate.</summary>
    public float Lr;
    /// <summary>The decay of the running averages.</summary>
    public float Rho;
    /// <summary>1 - rho, rounded from double.</summary>
    public float OneMinusRho;
    /// <summary>Added inside the square roots.</summary>
    public float Eps;
    /// <summary>The L2 penalty added to the gradient.</summary>
    public float WeightDecay;
    /// <summary>The new step count, stored in the state's 0-d step tensor.</summary>
    public float Step;
}
