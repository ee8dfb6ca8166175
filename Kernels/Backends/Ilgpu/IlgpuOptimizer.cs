using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// One fused kernel per optimizer: each updates a parameter and its state buffers in place, element
/// by element, following PyTorch 1.13's single-tensor update (torch/optim/sgd.py, adam.py,
/// adadelta.py). NOTE: every PyTorch tensor op rounds to float, so the kernels keep the same order of
/// operations and round at the same places (e.g. <c>mul_(beta).add_(g, alpha=1-beta)</c> is
/// <c>m·beta + (1-beta)·g</c>, not a lerp); with <see cref="AddScaled"/> for every <c>add(x, alpha=)</c>
/// the golden PyTorch 1.13 steps are matched bit for bit.
/// </summary>
public static class OptimizerKernels
{
    /// <summary>
    /// a + alpha·b with one rounding, as ATen's CPU <c>add(b, alpha=)</c> computes it (a vector fmadd).
    /// NOTE: a float product is exact in double, so only the sum rounds, to double and then to float;
    /// that differs from a true fused multiply-add only in rare double-rounding ties, and ILGPU 1.5
    /// has no portable fma intrinsic.
    /// </summary>
    static float AddScaled(float a, float alpha, float b) => (float)(a + (double)alpha * b);

    static void SgdKernel(ElementRange r, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer,
        SgdParams p)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            float d = grad[i];
            if (p.WeightDecay != 0f)
                d = AddScaled(d, p.WeightDecay, param[i]);
            if (p.UseMomentum != 0)
            {
                float buf = p.First != 0 ? d : AddScaled(momentumBuffer[i] * p.Momentum, p.OneMinusDampening, d);
                momentumBuffer[i] = buf;
                d = p.Nesterov != 0 ? AddScaled(d, p.Momentum, buf) : buf;
            }
            param[i] = AddScaled(param[i], -p.Lr, d);
        }
    }

    static void AdamKernel(ElementRange r, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamParams p)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            if (i == 0)
                step[0] = p.Step;
            float g = grad[i];
            if (p.WeightDecay != 0f)
                g = AddScaled(g, p.WeightDecay, param[i]);
            float m = AddScaled(expAvg[i] * p.Beta1, p.OneMinusBeta1, g);
            float v = expAvgSq[i] * p.Beta2 + p.OneMinusBeta2 * g * g;
            expAvg[i] = m;
            expAvgSq[i] = v;
            float denom = XMath.Sqrt(v) / p.BiasCorrection2Sqrt + p.Eps;
            // addcdiv_(m, denom, value=-step_size): no fused multiply-add in ATen's kernel.
            param[i] += -p.StepSize * m / denom;
        }
    }

    static void AdadeltaKernel(ElementRange r, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            if (i == 0)
                step[0] = p.Step;
            AdadeltaUpdate(ref param[i], grad[i], ref squareAvg[i], ref accDelta[i], p);
        }
    }

    /// <summary>One element of an Adadelta step; shared by the kernel and the native CPU path.</summary>
    internal static void AdadeltaUpdate(ref float param, float grad, ref float squareAvg, ref float accDelta, AdadeltaParams p)
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

    /// <summary>
    /// One SGD step on <paramref name="param"/> in place. <paramref name="momentumBuffer"/> has the
    /// parameter's length (any view when momentum is off: it is not touched).
    /// </summary>
    public static void Sgd(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer, SgdParams p)
    {
        var (config, range) = d.Elements((int)param.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdParams>(SgdKernel)(
            config, range, param, grad, momentumBuffer, p);
    }

    /// <summary>One Adam step in place on the parameter, its averages and its one-element step count.</summary>
    public static void Adam(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamParams p)
    {
        var (config, range) = d.Elements((int)param.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams>(
            AdamKernel)(config, range, param, grad, step, expAvg, expAvgSq, p);
    }

    /// <summary>One Adadelta step in place on the parameter, its averages and its one-element step count.</summary>
    public static void Adadelta(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p)
    {
        if (d.NativeCpu)
        {
            NativeOptimizers.Adadelta(d, param, grad, step, squareAvg, accDelta, p);
            return;
        }
        var (config, range) = d.Elements((int)param.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdadeltaParams>(
            AdadeltaKernel)(config, range, param, grad, step, squareAvg, accDelta, p);
    }
}
