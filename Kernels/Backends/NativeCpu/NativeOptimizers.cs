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

    /// <summary>a + alpha·b rounded once from double, as <see cref="OptimizerMath.AddScaled"/>.</summary>
    static Vector256<float> AddScaled(Vector256<float> a, float alpha, Vector256<float> b)
    {
        var scale = Vector256.Create((double)alpha);
        var lo = Avx.ConvertToVector256Double(a.GetLower()) + scale * Avx.ConvertToVector256Double(b.GetLower());
        var hi = Avx.ConvertToVector256Double(a.GetUpper()) + scale * Avx.ConvertToVector256Double(b.GetUpper());
        return Vector256.Create(Avx.ConvertToVector128Single(lo), Avx.ConvertToVector128Single(hi));
    }
}
