using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of the optimizer steps: 8 elements at a time with the kernels' own operations in
/// their order (so bit for bit the same), the kernels' per-element update for the tail.
/// </summary>
static unsafe class NativeOptimizers
{
    public static void Adadelta(HostMemory host, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p)
    {
        nint pp = host.Address(param), pg = host.Address(grad), psa = host.Address(squareAvg), pad = host.Address(accDelta);
        ((float*)host.Address(step))[0] = p.Step;
        NativeLoops.For((int)param.Length, (begin, end) =>
        {
            float* ps = (float*)pp, gs = (float*)pg, sas = (float*)psa, ads = (float*)pad;
            var rho = Vector256.Create(p.Rho);
            var oneMinusRho = Vector256.Create(p.OneMinusRho);
            var eps = Vector256.Create(p.Eps);
            int i = begin;
            for (; i + 8 <= end; i += 8)
            {
                var w = Vector256.Load(ps + i);
                var g = Vector256.Load(gs + i);
                if (p.WeightDecay != 0f)
                    g = AddScaled(g, p.WeightDecay, w);
                var sa = Vector256.Load(sas + i) * rho + oneMinusRho * g * g;
                Vector256.Store(sa, sas + i);
                var std = Vector256.Sqrt(sa + eps);
                var ad = Vector256.Load(ads + i);
                var delta = Vector256.Sqrt(ad + eps) / std * g;
                Vector256.Store(ad * rho + oneMinusRho * delta * delta, ads + i);
                Vector256.Store(AddScaled(w, -p.Lr, delta), ps + i);
            }
            for (; i < end; i++)
                OptimizerMath.AdadeltaUpdate(ref ps[i], gs[i], ref sas[i], ref ads[i], p);
        });
    }

    /// <summary>
    /// Adam, and AdamW when <paramref name="decay"/> is given (param·decay first, then Adam without its L2 term, as
    /// the AdamW kernel): <see cref="OptimizerMath.AdamUpdate"/>'s operations in its order, 8 elements at a time.
    /// </summary>
    public static void Adam(HostMemory host, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamParams p, float? decay)
    {
        nint pp = host.Address(param), pg = host.Address(grad), pm = host.Address(expAvg), pv = host.Address(expAvgSq);
        ((float*)host.Address(step))[0] = p.Step;
        NativeLoops.For((int)param.Length, (begin, end) =>
        {
            float* ps = (float*)pp, gs = (float*)pg, ms = (float*)pm, vs = (float*)pv;
            var beta1 = Vector256.Create(p.Beta1);
            var beta2 = Vector256.Create(p.Beta2);
            var oneMinusBeta2 = Vector256.Create(p.OneMinusBeta2);
            var correction = Vector256.Create(p.BiasCorrection2Sqrt);
            var eps = Vector256.Create(p.Eps);
            var minusStep = Vector256.Create(-p.StepSize);
            var scale = Vector256.Create(decay ?? 1f);
            int i = begin;
            for (; i + 8 <= end; i += 8)
            {
                var w = Vector256.Load(ps + i);
                if (decay != null)
                    w *= scale;
                var g = Vector256.Load(gs + i);
                if (p.WeightDecay != 0f)
                    g = AddScaled(g, p.WeightDecay, w);
                var m = AddScaled(Vector256.Load(ms + i) * beta1, p.OneMinusBeta1, g);
                var v = Vector256.Load(vs + i) * beta2 + oneMinusBeta2 * g * g;
                Vector256.Store(m, ms + i);
                Vector256.Store(v, vs + i);
                var denom = Vector256.Sqrt(v) / correction + eps;
                Vector256.Store(w + minusStep * m / denom, ps + i);
            }
            for (; i < end; i++)
            {
                if (decay is { } d)
                    ps[i] *= d;
                OptimizerMath.AdamUpdate(ref ps[i], gs[i], ref ms[i], ref vs[i], p);
            }
        });
    }

    /// <summary>a + alpha·b rounded once from double, as <see cref="OptimizerMath.AddScaled"/>.</summary>
    static Vector256<float> AddScaled(Vector256<float> a, float alpha, Vector256<float> b)
    {
        var scale = Vector256.Create((double)alpha);
        var lo = Avx.ConvertToVector256Double(a.GetLower()) + scale * Avx.ConvertToVector256Double(b.GetLower());
        var hi = Avx.ConvertToVector256Double(a.GetUpper()) + scale * Avx.ConvertToVector256Double(b.GetUpper());
        return Vector256.Create(Avx.ConvertToVector128Single(lo), Avx.ConvertToVector128Single(hi));
    }
}
