using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using static QSparse.Kernels.OptimizerMath;

namespace QSparse.Kernels;

/// <summary>
/// One fused kernel per optimizer: each updates a parameter and its state buffers in place, element
/// by element, following PyTorch 1.13's single-tensor update (torch/optim/sgd.py, adam.py,
/// adadelta.py); with <see cref="OptimizerMath.AddScaled"/> for every <c>add(x, alpha=)</c> the golden
/// PyTorch 1.13 steps are matched bit for bit.
/// </summary>
static class IlgpuOptimizer
{
    internal readonly struct SgdBody(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer, SgdParams p)
        : IElementBody
    {
        public void Run(int i)
        {
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

    internal readonly struct AdamBody(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamParams p) : IElementBody
    {
        public void Run(int i)
        {
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

    internal readonly struct AdadeltaBody(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p) : IElementBody
    {
        public void Run(int i)
        {
            if (i == 0)
                step[0] = p.Step;
            AdadeltaUpdate(ref param[i], grad[i], ref squareAvg[i], ref accDelta[i], p);
        }
    }

    public static void Sgd(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer, SgdParams p) =>
        d.ForEach((int)param.Length, new SgdBody(param, grad, momentumBuffer, p));

    public static void Adam(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamParams p) =>
        d.ForEach((int)param.Length, new AdamBody(param, grad, step, expAvg, expAvgSq, p));

    public static void Adadelta(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p) =>
        d.ForEach((int)param.Length, new AdadeltaBody(param, grad, step, squareAvg, accDelta, p));
}
