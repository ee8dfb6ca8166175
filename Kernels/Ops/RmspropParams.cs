namespace QSparse.Kernels;

/// <summary>The scalars of one RMSprop update (torch.optim.RMSprop), rounded to float. Flags are ints (0/1).</summary>
public struct RmspropParams
{
    /// <summary>The learning rate.</summary>
    public float Lr;
    /// <summary>The decay of the squared-gradient (and, centered, gradient) averages.</summary>
    public float Alpha;
    /// <summary>1 - alpha, rounded from double.</summary>
    public float OneMinusAlpha;
    /// <summary>Added to the root of the average.</summary>
    public float Eps;
    /// <summary>The L2 penalty added to the gradient.</summary>
    public float WeightDecay;
    /// <summary>The momentum factor (used when <see cref="UseMomentum"/> is 1).</summary>
    public float Momentum;
    /// <summary>1 when a momentum buffer is kept (momentum &gt; 0).</summary>
    public int UseMomentum;
    /// <summary>1 when the gradient average is kept and subtracted (centered RMSprop).</summary>
    public int Centered;
    /// <summary>The new step count, stored in the state's 0-d step tensor.</summary>
    public float Step;
}
