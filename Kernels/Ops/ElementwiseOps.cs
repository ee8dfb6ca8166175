using ILGPU.Algorithms;

namespace QSparse.Kernels;

/// <summary>A float → float function applied element by element; one generic kernel serves them all.</summary>
public interface IUnaryOp
{
    float Apply(float x);
}

/// <summary>A (float, float) → float function applied element by element with broadcasting.</summary>
public interface IBinaryOp
{
    float Apply(float a, float b);
}

public readonly struct NegOp : IUnaryOp { public float Apply(float x) => -x; }
public readonly struct AbsOp : IUnaryOp { public float Apply(float x) => XMath.Abs(x); }
public readonly struct ExpOp : IUnaryOp { public float Apply(float x) => XMath.Exp(x); }
public readonly struct LogOp : IUnaryOp { public float Apply(float x) => XMath.Log(x); }
public readonly struct SqrtOp : IUnaryOp { public float Apply(float x) => XMath.Sqrt(x); }
public readonly struct RsqrtOp : IUnaryOp { public float Apply(float x) => 1f / XMath.Sqrt(x); }
public readonly struct ReluOp : IUnaryOp { public float Apply(float x) => x > 0f ? x : 0f; }
public readonly struct SignOp : IUnaryOp { public float Apply(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f; }

/// <summary>a·x + b, the workhorse of scalar arithmetic.</summary>
public readonly struct AffineOp(float scale, float shift) : IUnaryOp
{
    readonly float scale = scale, shift = shift;
    public float Apply(float x) => x * scale + shift;
}

public readonly struct ClampOp(float min, float max) : IUnaryOp
{
    readonly float min = min, max = max;
    public float Apply(float x) => x < min ? min : x > max ? max : x;
    /// <summary>The lower bound (for the native backend's vector form).</summary>
    public float Min => min;
    /// <summary>The upper bound.</summary>
    public float Max => max;
}

public readonly struct PowOp(float exponent) : IUnaryOp
{
    readonly float exponent = exponent;
    public float Apply(float x) => XMath.Pow(x, exponent);
}

/// <summary>1 where min ≤ x ≤ max, else 0: the gradient mask of clamp.</summary>
public readonly struct InRangeOp(float min, float max) : IUnaryOp
{
    readonly float min = min, max = max;
    public float Apply(float x) => x >= min && x <= max ? 1f : 0f;
}

public readonly struct AddOp : IBinaryOp { public float Apply(float a, float b) => a + b; }
public readonly struct SubOp : IBinaryOp { public float Apply(float a, float b) => a - b; }
public readonly struct MulOp : IBinaryOp { public float Apply(float a, float b) => a * b; }
public readonly struct DivOp : IBinaryOp { public float Apply(float a, float b) => a / b; }
public readonly struct MaxOp : IBinaryOp { public float Apply(float a, float b) => a >= b ? a : b; }
public readonly struct MinOp : IBinaryOp { public float Apply(float a, float b) => a <= b ? a : b; }
/// <summary>x · y^(p-1) · p: the gradient of y^p times the upstream x.</summary>
public readonly struct PowGradOp(float exponent) : IBinaryOp
{
    readonly float exponent = exponent;
    public float Apply(float g, float x) => g * exponent * XMath.Pow(x, exponent - 1f);
}
/// <summary>g where x &gt; 0, else 0: the gradient of ReLU.</summary>
public readonly struct ReluGradOp : IBinaryOp { public float Apply(float g, float x) => x > 0f ? g : 0f; }
/// <summary>x where x &gt; 0, else slope·x (torch's leaky_relu).</summary>
public readonly struct LeakyReluOp(float slope) : IUnaryOp
{
    readonly float slope = slope;
    public float Apply(float x) => x > 0f ? x : x * slope;
}
/// <summary>g where x &gt; 0, else slope·g: the gradient of LeakyReLU (slope·g at x = 0, as in PyTorch).</summary>
public readonly struct LeakyReluGradOp(float slope) : IBinaryOp
{
    readonly float slope = slope;
    public float Apply(float g, float x) => x > 0f ? g : g * slope;
}

/// <summary>Comparisons give 1 or 0 (stored as bool masks by the caller).</summary>
public readonly struct GreaterOp : IBinaryOp { public float Apply(float a, float b) => a > b ? 1f : 0f; }
public readonly struct GreaterEqualOp : IBinaryOp { public float Apply(float a, float b) => a >= b ? 1f : 0f; }
public readonly struct LessOp : IBinaryOp { public float Apply(float a, float b) => a < b ? 1f : 0f; }
public readonly struct LessEqualOp : IBinaryOp { public float Apply(float a, float b) => a <= b ? 1f : 0f; }
public readonly struct EqualOp : IBinaryOp { public float Apply(float a, float b) => a == b ? 1f : 0f; }
public readonly struct NotEqualOp : IBinaryOp { public float Apply(float a, float b) => a != b ? 1f : 0f; }

/// <summary>tanh(x), finite for every x (see <see cref="ActivationMath.Tanh"/>).</summary>
public readonly struct TanhOp : IUnaryOp { public float Apply(float x) => ActivationMath.Tanh(x); }
/// <summary>g·(1 - y²) from the output y = tanh(x): bounded where a derivative of exp would overflow.</summary>
public readonly struct TanhGradOp : IBinaryOp { public float Apply(float g, float y) => g * (1f - y * y); }
/// <summary>1 / (1 + exp(-x)) without overflow (see <see cref="ActivationMath.Sigmoid"/>).</summary>
public readonly struct SigmoidOp : IUnaryOp { public float Apply(float x) => ActivationMath.Sigmoid(x); }
/// <summary>g·y·(1 - y) from the output y = sigmoid(x).</summary>
public readonly struct SigmoidGradOp : IBinaryOp { public float Apply(float g, float y) => g * y * (1f - y); }

/// <summary>g where min &lt; x &lt; max, else 0: NOTE: zero at the bounds themselves, as PyTorch's hardtanh_backward (unlike clamp).</summary>
public readonly struct HardtanhGradOp(float min, float max) : IBinaryOp
{
    readonly float min = min, max = max;
    public float Apply(float g, float x) => x > min && x < max ? g : 0f;
    /// <summary>The lower bound (for the native backend's vector form).</summary>
    public float Min => min;
    /// <summary>The upper bound.</summary>
    public float Max => max;
}

/// <summary>x·sigmoid(x) (torch's silu).</summary>
public readonly struct SiluOp : IUnaryOp { public float Apply(float x) => x * ActivationMath.Sigmoid(x); }
/// <summary>g·s·(1 + x·(1 - s)) with s = sigmoid(x): the gradient of SiLU, as PyTorch's silu_backward.</summary>
public readonly struct SiluGradOp : IBinaryOp
{
    public float Apply(float g, float x)
    {
        float s = ActivationMath.Sigmoid(x);
        return g * s * (1f + x * (1f - s));
    }
}

/// <summary>x·Φ(x) with Φ the standard normal CDF (torch's gelu, approximate='none').</summary>
public readonly struct GeluOp : IUnaryOp { public float Apply(float x) => x * ActivationMath.NormalCdf(x); }
/// <summary>g·(Φ(x) + x·φ(x)): the gradient of exact GELU.</summary>
public readonly struct GeluGradOp : IBinaryOp
{
    public float Apply(float g, float x) => g * (ActivationMath.NormalCdf(x) + x * ActivationMath.NormalPdf(x));
}

/// <summary>x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (torch's gelu, approximate='tanh').</summary>
public readonly struct GeluTanhOp : IUnaryOp
{
    internal const float Beta = 0.7978845608028654f, Kappa = 0.044715f;
    public float Apply(float x) => 0.5f * x * (1f + ActivationMath.Tanh(Beta * (x + Kappa * x * x * x)));
}
/// <summary>The gradient of tanh-approximated GELU, term by term as PyTorch's GeluBackward (approximate='tanh').</summary>
public readonly struct GeluTanhGradOp : IBinaryOp
{
    public float Apply(float g, float x)
    {
        float t = ActivationMath.Tanh(GeluTanhOp.Beta * (x + GeluTanhOp.Kappa * x * x * x));
        float inner = GeluTanhOp.Beta * (1f + 3f * GeluTanhOp.Kappa * x * x);
        return g * (0.5f * (1f + t) + 0.5f * x * (1f - t * t) * inner);
    }
}
