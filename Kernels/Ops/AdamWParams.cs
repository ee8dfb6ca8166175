namespace QSparse.Kernels;

/// <summary>
/// The scalars of one AdamW update (torch.optim.AdamW): Adam's, without its L2 term, and the decoupled
/// decay factor the parameter is multiplied by first.
/// </summary>
public struct AdamWParams
{
    /// <summary>Adam's scalars; <see cref="AdamParams.WeightDecay"/> must be 0 (the decay is decoupled).</summary>
    public AdamParams Adam;
    /// <summary>1 - lr·weight_decay, computed in double and rounded to float.</summary>
    public float Decay;
}
