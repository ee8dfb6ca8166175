namespace QSparse.Kernels;

/// <summary>
/// The scalars of one SGD update (torch.optim.SGD), already rounded to float as PyTorch rounds its
/// Python scalars when they meet a float32 tensor. Flags are ints (0/1) to keep the struct blittable.
/// </summary>
public struct SgdParams
{
    /// <summary>The learning rate.</summary>
    public float Lr;
    /// <summary>The momentum factor.</summary>
    public float Momentum;
    /// <summary>1 - dampening, the weight of the new gradient in the momentum buffer.</summary>
    public float OneMinusDampening;
    /// <summary>The L2 penalty added to the gradient.</summary>
    public float WeightDecay;
    /// <summary>1 for Nesterov momentum.</summary>
    public int Nesterov;
    /// <summary>1 when a momentum buffer is kept (momentum ≠ 0).</summary>
    public int UseMomentum;
    /// <summary>1 on the parameter's first step: the buffer is set to the gradient instead of blended.</summary>
    public int First;
}
