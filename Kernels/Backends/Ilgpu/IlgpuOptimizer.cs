using ILGPU;
using ILGPU.Runtime;
using static QSparse.Kernels.OptimizerMath;

namespace QSparse.Kernels;

/// <summary>
/// One fused kernel per optimizer: each updates a parameter and its state buffers in place, element
/// by element, following PyTorch 1.13's single-tensor update (torch/optim/sgd.py, adam.py,
/// adamw.py, adadelta.py, rmsprop.py); with <see cref="OptimizerMath.AddScaled"/> for every <c>add(x, alpha=)</c> the golden
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
            AdamUpdate(ref param[i], grad[i], ref expAvg[i], ref expAvgSq[i], p);
        }
    }

    internal readonly struct AdamWBody(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamWParams p) : IElementBody
    {
        public void Run(int i)
        {
            if (i == 0)
                step[0] = p.Adam.Step;
            // param.mul_(1 - lr * weight_decay) comes first, then Adam's update without its L2 term.
            param[i] *= p.Decay;
            AdamUpdate(ref param[i], grad[i], ref expAvg[i], ref expAvgSq[i], p.Adam);
        }
    }

    internal readonly struct RmspropBody(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> momentumBuffer, ArrayView<float> gradAvg, RmspropParams p) : IElementBody
    {
        public void Run(int i)
        {
            if (i == 0)
                step[0] = p.Step;
            // Unused buffers may be short views: index them only when the step uses them.
            float buf = p.UseMomentum != 0 ? momentumBuffer[i] : 0f;
            float ga = p.Centered != 0 ? gradAvg[i] : 0f;
            RmspropUpdate(ref param[i], grad[i], ref squareAvg[i], ref buf, ref ga, p);
            if (p.UseMomentum != 0)
                momentumBuffer[i] = buf;
            if (p.Centered != 0)
                gradAvg[i] = ga;
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

    public static void AdamW(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamWParams p) =>
        d.ForEach((int)param.Length, new AdamWBody(param, grad, step, expAvg, expAvgSq, p));

    public static void Rmsprop(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> momentumBuffer, ArrayView<float> gradAvg, RmspropParams p) =>
        d.ForEach((int)param.Length, new RmspropBody(param, grad, step, squareAvg, momentumBuffer, gradAvg, p));
}
