using ILGPU;
using ILGPU.Runtime.Cuda;

namespace QSparse.Kernels;

/// <summary>
/// Float arithmetic that rounds once per operation on every device, for the results QSPARSE decides on (the
/// quantizer, the decimal search's error and argmin, quantile interpolation, random draws behind masks).
/// NOTE: ILGPU emits a plain <c>mul.f32</c>/<c>add.f32</c> for <c>a * b</c>/<c>a + b</c>, and ptxas may contract
/// such a pair into one FFMA (a single rounding), so CUDA would differ from the CPU in the last bit and a
/// decision taken on it (a quantization code, the argmin over d) could flip. The PTX ISA lets the optimizer fuse
/// only mul/add without a rounding modifier, so the <c>.rn</c> forms are never contracted (ptxas's SASS for the
/// exact kernels has no FFMA/DFMA left). Elsewhere the plain operators already round once: .NET never contracts,
/// and ILGPU's OpenCL C puts one operation in each statement, where FP_CONTRACT may only fuse within an expression.
/// </summary>
public static class ExactMath
{
    /// <summary>a · b, rounded to nearest even, never fused with a following add.</summary>
    public static float Mul(float a, float b)
    {
        if (!CudaAsm.IsSupported)
            return a * b;
        CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float r, a, b);
        return r;
    }

    /// <summary>a + b, rounded to nearest even, never fused with a preceding multiply.</summary>
    public static float Add(float a, float b)
    {
        if (!CudaAsm.IsSupported)
            return a + b;
        CudaAsm.Emit("add.rn.f32 %0, %1, %2;", out float r, a, b);
        return r;
    }

    /// <summary>a - b, rounded to nearest even, never fused with a preceding multiply.</summary>
    public static float Sub(float a, float b)
    {
        if (!CudaAsm.IsSupported)
            return a - b;
        CudaAsm.Emit("sub.rn.f32 %0, %1, %2;", out float r, a, b);
        return r;
    }

    /// <summary>a · b in double, never fused (ptxas contracts f64 pairs into DFMA too).</summary>
    public static double Mul(double a, double b)
    {
        if (!CudaAsm.IsSupported)
            return a * b;
        CudaAsm.Emit("mul.rn.f64 %0, %1, %2;", out double r, a, b);
        return r;
    }

    /// <summary>a + b in double, never fused with a preceding multiply.</summary>
    public static double Add(double a, double b)
    {
        if (!CudaAsm.IsSupported)
            return a + b;
        CudaAsm.Emit("add.rn.f64 %0, %1, %2;", out double r, a, b);
        return r;
    }

    /// <summary>
    /// 2^d for an integer-valued d in [-126, 127], built from its exponent bits: exact, where XMath.Pow/Exp
    /// become approximate instructions (ex2.approx) on CUDA.
    /// </summary>
    public static float Pow2(float d) => Interop.IntAsFloat((uint)((int)d + 127) << 23);
}
