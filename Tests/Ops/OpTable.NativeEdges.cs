using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    static OpCase LargeMatMul(string name, int[] a, int[] b, bool transB = false) =>
        MatMul(name, a, b, transB: transB) with
        {
            Inputs = [In.Normal(a), In.Normal(b)],
            Check = GradientCheck.HostBackward,
            Backward = (x, g) => MatMulBackward(x, g, false, transB),
        };

    /// <summary>
    /// Shapes that take the native CPU path's special cases (blocked and slab GEMMs, the flipped-kernel
    /// stride-1 backward, more than 320 taps, 8-wide pooling rows) and the inputs that must pick the same
    /// element on every backend (ties, NaNs). Unit normal inputs, as the old differential list used.
    /// </summary>
    static IEnumerable<OpCase> NativeEdges()
    {
        Func<int[], OpInput> normal = shape => In.Normal(shape);
        yield return MatMul("matmul 37x53x29", [37, 53], [53, 29]) with { Inputs = [In.Normal(37, 53), In.Normal(53, 29)] };
        yield return MatMul("matmul batched transposed 3x19x7", [3, 19, 7], [3, 11, 19], true, true)
            with { Inputs = [In.Normal(3, 19, 7), In.Normal(3, 11, 19)] };
        yield return new OpCase("linear 5x67 to 13", [In.Normal(5, 67), In.Normal(13, 67), In.Normal(13)],
            x => Functional.Linear(x[0], x[1], x[2]), x => HostRef.Linear(x[0], x[1], x[2])) { SumLength = 67, Forward = LongSums };
        // K in several blocks and row panels in several groups; a transposed B; more than 2^22 floats of A (two slabs of rows).
        yield return LargeMatMul("matmul blocked 200x700x45", [200, 700], [700, 45]);
        yield return LargeMatMul("matmul blocked transB 203x333x37", [203, 333], [37, 333], transB: true);
        yield return LargeMatMul("matmul slabs 1300x3300x5", [1300, 3300], [3300, 5]);

        yield return Conv2d("conv2d native stride(2,1) pad(1,2) dilation(1,2)", [3, 4, 11, 10], [6, 4, 3, 2],
            stride: (2, 1), padding: (1, 2), dilation: (1, 2), make: normal) with { GradSamples = 24 };
        // Stride-1 backward-data runs as a convolution with the flipped kernel, padded d·(K−1)−p (negative when p is larger).
        yield return Conv2d("conv2d stride1 pad(1,2) dilation(2,1)", [2, 5, 9, 13], [7, 5, 3, 3], padding: (1, 2), dilation: (2, 1),
            make: normal) with { GradSamples = 24 };
        yield return Conv2d("conv2d padding beyond kernel", [2, 3, 5, 6], [4, 3, 2, 2], bias: false, padding: (3, 3), make: normal);
        yield return Conv2d("conv2d 360 taps", [3, 40, 8, 9], [9, 40, 3, 3], make: normal) with { GradSamples = 12 };
        yield return ConvTranspose2d("conv_transpose2d native k5 stride2 pad1 outpad1", [2, 5, 4, 3], [5, 2, 5, 5], stride: (2, 2),
            padding: (1, 1), outputPadding: (1, 1), make: normal) with { GradSamples = 24 };
        yield return ConvTranspose2d("conv_transpose2d stride1 outpad1 dilation2", [2, 3, 6, 5], [3, 4, 3, 2], outputPadding: (1, 1),
            dilation: (2, 2), make: normal) with { GradSamples = 24 };

        yield return new OpCase("broadcast arithmetic relu", [In.Normal(3, 5, 7), In.Normal(5, 1), In.Normal(7)],
            x => (x[0] * x[1] + x[2]).Relu(), x => HostRef.Broadcast(x, v => HostRef.Relu(v[0] * v[1] + v[2])));
        yield return new OpCase("permute then sum", [In.Normal(4, 5, 9)], x => x[0].Permute(2, 0, 1).Sum([0, 2]),
            x => HostRef.Sum(HostRef.Permute(x[0], 2, 0, 1), [0, 2])) { SumLength = 36, Forward = LongSums };
        yield return new OpCase("sum of 301x257", [In.Normal(301, 257)], x => x[0].Sum().Reshape(1),
            x => HostRef.Sum(x[0], [0, 1]).Reshape(1)) { SumLength = 301 * 257, GradSamples = 16, Forward = LongSums };
        yield return BatchNormTrain("batch_norm2d train 6x5x7x3", [6, 5, 7, 3]) with
        {
            Inputs = [In.Normal(6, 5, 7, 3), In.Normal(5), In.Normal(5)],
            SumLength = 6 * 7 * 3,
            GradSamples = 24,
        };
        yield return MaxPool("max_pool2d 3x4x9x8", In.Distinct([3, 4, 9, 8]), 2);
        // Wide rows take the 8-outputs-at-a-time path of 2×2 pooling, with a scalar tail.
        yield return MaxPool("max_pool2d wide rows", In.Distinct([2, 3, 7, 37]), 2) with { GradSamples = 24 };
        // Small integers make ties in most windows; the NaNs must win their windows; both backends pick the same element.
        var tiesAndNaN = Enumerable.Range(0, 2 * 40 * 6).Select(i => i % 97 == 5 || i % 89 == 3 ? double.NaN : i * 7 % 5).ToArray();
        yield return MaxPool("max_pool2d ties and NaN", In.Fixed([2, 1, 6, 40], tiesAndNaN) with { Kind = InputKind.Float }, 2) with
        {
            Forward = new(0, 0),
            Backend = new(0, 0),
            Check = GradientCheck.HostBackward,
            Gradient = new(0, 0),
            Backward = (x, g) =>
            {
                var grad = new HostArray(x[0].Shape);
                var (_, argMax) = HostRef.MaxPool2d(x[0], 2, 2);
                for (int o = 0; o < argMax.Length; o++)
                    grad.Data[argMax[o]] += g.Data[o];
                return [grad];
            },
        };
        yield return new OpCase("log_softmax 7x11", [In.Normal(7, 11)], x => Functional.LogSoftmax(x[0], 1), x => HostRef.LogSoftmax(x[0], 1));
    }
}
