using ILGPU.Algorithms;

namespace QSparse.Kernels;

/// <summary>
/// The per-element arithmetic of the optimizer steps, shared by every backend. NOTE: every PyTorch
/// tensor op rounds to float, so the steps keep PyTorch 1.13's order of operations and round at the
/// same places (e.g. <c>mul_(beta).add_(g, alpha=1-beta)</c> is <c>m·beta + (1-beta)·g</c>, not a lerp).
/// </summary>
static class OptimizerMath
{
    /// <summary>
    /// a + alpha·b with one rounding, as ATen's CPU <c>add(b, alpha=)</c> computes it (a vector fmadd).
    /// NOTE: a float product is exact in double, so only the sum rounds, to double and then to float;
    /// that differs from a true fused multiply-add only in rare double-rounding ties, and ILGPU 1.5
    /// has no portable fma intrinsic.
    /// </summary>
    public static float AddScaled(float a, float alpha, float b) => (float)(a + (double)alpha * b);

    /// <summary>One element of an Adadelta step.</summary>
    public static void AdadeltaUpdate(ref float param, float grad, ref float squareAvg, ref float accDelta, AdadeltaParams p)
    {
        float g = grad;
        if (p.WeightDecay != 0f)
            g = AddScaled(g, p.WeightDecay, param);
        float sa = squareAvg * p.Rho + p.OneMinusRho * g * g;
        squareAvg = sa;
        float std = XMath.Sqrt(sa + p.Eps);
        float delta = XMath.Sqrt(accDelta + p.Eps) / std * g;
        accDelta = accDelta * p.Rho + p.OneMinusRho * delta * delta;
        param = AddScaled(param, -p.Lr, delta);
    }

    /// <summary>One element of an Adam step (AdamW's after its decoupled decay).</summary>
    public static void AdamUpdate(ref float param, float grad, ref float expAvg, ref float expAvgSq, AdamParams p)
    {
        float g = grad;
        if (p.WeightDecay != 0f)
            g = AddScaled(g, p.WeightDecay, param);
        float m = AddScaled(expAvg * p.Beta1, p.OneMinusBeta1, g);
        float v = expAvgSq * p.Beta2 + p.OneMinusBeta2 * g * g;
        expAvg = m;
        expAvgSq = v;
        float denom = XMath.Sqrt(v) / p.BiasCorrection2Sqrt + p.Eps;
        // addcdiv_(m, denom, value=-step_size): no fused multiply-add in ATen's kernel.
        param += -p.StepSize * m / denom;
    }

    /// <summary>
    /// One element of an RMSprop step (torch/optim/rmsprop.py, _single_tensor_rmsprop); the momentum
    /// buffer and gradient average are read and written only when the step uses them.
    /// </summary>
    public static void RmspropUpdate(ref float param, float grad, ref float squareAvg, ref float momentumBuffer,
        ref float gradAvg, RmspropParams p)
    {
        float g = grad;
        if (p.WeightDecay != 0f)
            g = AddScaled(g, p.WeightDecay, param);
        float sa = squareAvg * p.Alpha + p.OneMinusAlpha * g * g;
        squareAvg = sa;
        float avg;
        if (p.Centered != 0)
        {
            float ga = AddScaled(gradAvg * p.Alpha, p.OneMinusAlpha, g);
            gradAvg = ga;
            // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
            avg = XMath.Sqrt(sa - ga * ga);
        }
        else
            avg = XMath.Sqrt(sa);
        avg += p.Eps;
        if (p.UseMomentum != 0)
        {
            float buf = momentumBuffer * p.Momentum + g / avg;
            momentumBuffer = buf;
            param = AddScaled(param, -p.Lr, buf);
        }
        else
            param += -p.Lr * g / avg;
    }
}
