using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>
    /// The native CPU backend's element-body ops and vector clamps, held to the ILGPU kernels bit for bit
    /// (<see cref="OpCase.Backend"/> exact): shapes of more than 2^15 elements, so that the host loops split
    /// the work over the cores, and a clamp over bounds, -0, infinities and NaNs on both the vector path and
    /// its scalar tail.
    /// </summary>
    static IEnumerable<OpCase> NativeLoops()
    {
        var exact = new Tol(0, 0);
        int[] large = [2, 33, 24, 24];
        double[] special = [-1, 0, -0.0, 0.5, 6, 7, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 3, 5.999, 1e-30, -1e-30];
        var values = Enumerable.Range(0, 4 * 37).Select(i => special[i % special.Length]).ToArray();
        yield return Unary("relu6 bounds, -0, infinities and NaN", In.Fixed([4, 37], values) with { Kind = InputKind.Float },
            Functional.Relu6, v => Math.Clamp(v, 0, 6)) with
        {
            Forward = exact,
            Backend = exact,
            Check = GradientCheck.HostBackward,
            Gradient = exact,
            Backward = (x, g) => [HostRef.Zip(g, x[0], (gv, xv) => xv > 0 && xv < 6 ? gv : 0)],
        };
        yield return Unary("hardtanh -0.5 2 over cores", In.Avoiding(large, -2, 3, -0.5, 2), x => Functional.Hardtanh(x, -0.5, 2),
            v => Math.Clamp(v, -0.5, 2)) with { Backend = exact, GradSamples = 16 };
        yield return AdaptiveAvgPool("adaptive_avg_pool2d 3x5 over cores", In.Normal(large), 3, 5) with { Backend = exact, GradSamples = 16, SumLength = 64 };
        yield return AdaptiveAvgPool("adaptive_avg_pool2d 1 over cores", In.Normal(large), 1, 1) with { Backend = exact, GradSamples = 16, SumLength = 576 };
        yield return AvgPool("avg_pool2d k3 stride2 pad1 over cores", In.Normal(large), (3, 3), (2, 2), (1, 1)) with { Backend = exact, GradSamples = 16 };
        yield return MaxPool("max_pool2d k3 stride2 pad1 over cores", In.Distinct(large), 3, 2, 1) with { Backend = exact, GradSamples = 16 };
        yield return new OpCase("log_softmax 400x97 over cores", [In.Normal(400, 97)], x => Functional.LogSoftmax(x[0], 1),
            x => HostRef.LogSoftmax(x[0], 1)) { Backend = exact, GradSamples = 16 };
        yield return Pad("pad reflect over cores", large, [2, 1, 3, 2], PadMode.Reflect) with { Backend = exact, GradSamples = 16 };
        yield return InterpolateBy("interpolate bilinear x2 over cores", [2, 33, 12, 12], 2, InterpolateMode.Bilinear) with
        {
            Backend = exact,
            GradSamples = 16,
        };
        yield return new OpCase("where sign over cores", [In.AwayFromZero(large), In.Uniform([24])],
            x => Tensor.Where(x[0].Gt(0f), x[0], x[1]), x => HostRef.Broadcast(x, v => v[0] > 0 ? v[0] : v[1])) { Backend = exact, GradSamples = 16 };
        // ReducePlan's order on every backend: 149 interleaved partials then one; 5 per channel then one.
        yield return new OpCase("sum all over cores", [In.Normal(large)], x => x[0].Sum().Reshape(1),
            x => HostRef.Sum(x[0], HostRef.All(x[0])).Reshape(1)) { Backend = exact, SumLength = 2 * 33 * 24 * 24, GradSamples = 16 };
        yield return new OpCase("sum dims 0 2 3 over cores", [In.Normal(large)], x => x[0].Sum([0, 2, 3]),
            x => HostRef.Sum(x[0], [0, 2, 3])) { Backend = exact, SumLength = 2 * 24 * 24, GradSamples = 16 };
    }
}
