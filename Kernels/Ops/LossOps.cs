using ILGPU.Algorithms;

namespace QSparse.Kernels;

/// <summary>
/// SmoothL1 (Huber scaled by 1/β) of a difference d: 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β
/// (torch.nn.functional.smooth_l1_loss). NOTE: β = 0 never takes the quadratic branch, so it is L1 as in PyTorch.
/// </summary>
public readonly struct SmoothL1Op(float beta) : IUnaryOp
{
    readonly float beta = beta;
    public float Apply(float d)
    {
        float a = XMath.Abs(d);
        return a < beta ? 0.5f * d * d / beta : a - 0.5f * beta;
    }
}

/// <summary>g·d/β where |d| &lt; β, else g·sign(d): the gradient of <see cref="SmoothL1Op"/> times the upstream g.</summary>
public readonly struct SmoothL1GradOp(float beta) : IBinaryOp
{
    readonly float beta = beta;
    public float Apply(float g, float d) => XMath.Abs(d) < beta ? g * d / beta : d > 0f ? g : d < 0f ? -g : 0f;
}

/// <summary>
/// Binary cross-entropy of a probability p against a target t, as PyTorch computes it:
/// (t − 1)·max(log(1 − p), −100) − t·max(log p, −100). NOTE: the clamp at −100 keeps p = 0 or 1 finite.
/// </summary>
public readonly struct BceOp : IBinaryOp
{
    public float Apply(float p, float t) => (t - 1f) * XMath.Max(XMath.Log(1f - p), -100f) - t * XMath.Max(XMath.Log(p), -100f);
}

/// <summary>(p − t) / max((1 − p)·p, 1e-12): the gradient of <see cref="BceOp"/> in p (PyTorch's EPSILON guard).</summary>
public readonly struct BceGradOp : IBinaryOp
{
    public float Apply(float p, float t) => (p - t) / XMath.Max((1f - p) * p, 1e-12f);
}

/// <summary>log(1 − p) − log p, i.e. −logit(p): the gradient of <see cref="BceOp"/> in t (t is unused; unclamped, as PyTorch's).</summary>
public readonly struct BceTargetGradOp : IBinaryOp
{
    public float Apply(float p, float t) => XMath.Log(1f - p) - XMath.Log(p);
}

/// <summary>
/// Binary cross-entropy of a logit x against a target t in the stable form max(x, 0) − x·t + log(1 + exp(−|x|))
/// (torch.nn.functional.binary_cross_entropy_with_logits): no overflow for any x.
/// </summary>
public readonly struct BceWithLogitsOp : IBinaryOp
{
    public float Apply(float x, float t) => XMath.Max(x, 0f) - x * t + XMath.Log(1f + XMath.Exp(-XMath.Abs(x)));
}

/// <summary>sigmoid(x) − t: the gradient of <see cref="BceWithLogitsOp"/> in x.</summary>
public readonly struct BceWithLogitsGradOp : IBinaryOp
{
    public float Apply(float x, float t) => 1f / (1f + XMath.Exp(-x)) - t;
}

/// <summary>−log(sigmoid(x)) = max(−x, 0) + log(1 + exp(−|x|)), stable for any x (BCE-with-logits' pos_weight term).</summary>
public readonly struct NegLogSigmoidOp : IUnaryOp
{
    public float Apply(float x) => XMath.Max(-x, 0f) + XMath.Log(1f + XMath.Exp(-XMath.Abs(x)));
}

/// <summary>g·(sigmoid(x) − 1): the gradient of <see cref="NegLogSigmoidOp"/> times the upstream g.</summary>
public readonly struct NegLogSigmoidGradOp : IBinaryOp
{
    public float Apply(float g, float x) => g * (1f / (1f + XMath.Exp(-x)) - 1f);
}
