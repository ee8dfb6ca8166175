using ILGPU;

namespace QSparse.Kernels;

/// <summary>The native path of the optimizer steps: the kernels' own per-element update, in host loops.</summary>
static unsafe class NativeOptimizers
{
    public static void Adadelta(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p)
    {
        d.Synchronize();
        nint pp = param.Address(), pg = grad.Address(), psa = squareAvg.Address(), pad = accDelta.Address();
        ((float*)step.Address())[0] = p.Step;
        NativeLoops.For((int)param.Length, (begin, end) =>
        {
            float* ps = (float*)pp, gs = (float*)pg, sa = (float*)psa, ad = (float*)pad;
            for (int i = begin; i < end; i++)
                OptimizerKernels.AdadeltaUpdate(ref ps[i], gs[i], ref sa[i], ref ad[i], p);
        });
    }
}
