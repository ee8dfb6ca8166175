using ILGPU.Algorithms;

namespace QSparse.Kernels;

/// <summary>
/// The fixed-point grid of Q(x, N, d): integer codes in [<see cref="Min"/>, <see cref="Max"/>] =
/// [-2^(N-1), 2^(N-1) - 1] scaled by 2^-d. Shared by the quantizer and the decimal search so both
/// quantize identically.
/// </summary>
public readonly struct QuantizeParams
{
    public readonly float Min, Max;

    /// <summary>1: round half to even; 0: truncate toward zero (the reference's rule).</summary>
    public readonly int Nearest;

    public QuantizeParams(int bits, bool nearest)
    {
        Min = -(float)Math.Pow(2, bits - 1);
        // NOTE: above 25 bits 2^(N-1) - 1 is not a float; its float rounding still clamps exactly as the
        // reference's int32 clamp converted to float, since every integer above it is >= 2^(N-1).
        Max = (float)(Math.Pow(2, bits - 1) - 1);
        Nearest = nearest ? 1 : 0;
    }

    /// <summary>Q(x) with <paramref name="d"/> fractional bits, bit-identical on every device (<see cref="ExactMath"/>).</summary>
    public float Apply(float x, float d)
    {
        float q = ExactMath.Mul(x, ExactMath.Pow2(d));
        q = Nearest != 0 ? XMath.RoundToEven(q) : XMath.Truncate(q);
        q = q < Min ? Min : q > Max ? Max : q;
        // NOTE: through int, as the reference: a code of -0 becomes +0 (bit-exact zeros).
        return ExactMath.Mul((int)q, ExactMath.Pow2(-d));
    }

    /// <summary>The straight-through gradient, clipped to the representable range [Min·2^-d, Max·2^-d].</summary>
    public float ClipGradient(float g, float d)
    {
        float scale = ExactMath.Pow2(-d), lo = ExactMath.Mul(Min, scale), hi = ExactMath.Mul(Max, scale);
        return g < lo ? lo : g > hi ? hi : g;
    }
}
