using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>
    /// A conv2d row: x [N, Cin, H, W], w [Cout, Cin / groups, kh, kw] and a bias unless <paramref name="bias"/> is false.
    /// Its longest sum is the larger of Cin / groups·kh·kw (forward) and N·H·W (the weight gradient).
    /// </summary>
    static OpCase Conv2d(string name, int[] x, int[] w, bool bias = true, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? dilation = null, Func<int[], OpInput>? make = null, int groups = 1)
    {
        make ??= shape => In.Uniform(shape);
        (int H, int W) s = stride ?? (1, 1), p = padding ?? (0, 0), d = dilation ?? (1, 1);
        OpInput[] inputs = bias ? [make(x), make(w), make([w[0]])] : [make(x), make(w)];
        return new OpCase(name, inputs,
            t => Functional.Conv2d(t[0], t[1], bias ? t[2] : null, s, p, d, groups),
            t => HostRef.Conv2d(t[0], t[1], bias ? t[2] : null, s, p, d, groups))
        { SumLength = Math.Max(w[1] * w[2] * w[3], x[0] * x[2] * x[3]), Forward = LongSums };
    }

    /// <summary>A conv_transpose2d row: x [N, Cin, H, W], w [Cin, Cout / groups, kh, kw], bias [Cout] unless <paramref name="bias"/> is false.</summary>
    static OpCase ConvTranspose2d(string name, int[] x, int[] w, bool bias = true, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? outputPadding = null, (int, int)? dilation = null, Func<int[], OpInput>? make = null, int groups = 1)
    {
        make ??= shape => In.Uniform(shape);
        (int H, int W) s = stride ?? (1, 1), p = padding ?? (0, 0), op = outputPadding ?? (0, 0), d = dilation ?? (1, 1);
        OpInput[] inputs = bias ? [make(x), make(w), make([w[1] * groups])] : [make(x), make(w)];
        return new OpCase(name, inputs,
            t => Functional.ConvTranspose2d(t[0], t[1], bias ? t[2] : null, s, p, op, d, groups),
            t => HostRef.ConvTranspose2d(t[0], t[1], bias ? t[2] : null, s, p, op, d, groups))
        { SumLength = Math.Max(x[1] / groups * w[2] * w[3], x[0] * x[2] * x[3] * 4), Forward = LongSums };
    }

    /// <summary>conv2d and conv_transpose2d: strides, paddings, dilations, groups, with and without bias, odd and non-square shapes.</summary>
    static IEnumerable<OpCase> Convolutions()
    {
        yield return Conv2d("conv2d 3x3", [2, 3, 6, 5], [4, 3, 3, 3]);
        yield return Conv2d("conv2d stride2 pad1", [2, 3, 7, 6], [4, 3, 3, 3], stride: (2, 2), padding: (1, 1));
        yield return Conv2d("conv2d stride(2,1) pad(1,2) dilation(1,2)", [2, 3, 7, 6], [4, 3, 3, 2],
            stride: (2, 1), padding: (1, 2), dilation: (1, 2));
        yield return Conv2d("conv2d no bias odd kernel", [1, 2, 5, 7], [3, 2, 2, 3], bias: false);
        yield return Conv2d("conv2d stride beyond kernel", [1, 2, 8, 7], [3, 2, 2, 2], bias: false, stride: (3, 3));
        yield return Conv2d("conv2d 1x1", [2, 4, 3, 3], [5, 4, 1, 1]);
        yield return Conv2d("conv2d kernel covers input", [2, 2, 3, 4], [3, 2, 3, 4]);
        yield return Conv2d("conv2d groups2", [2, 4, 6, 5], [6, 2, 3, 3], padding: (1, 1), groups: 2);
        yield return Conv2d("conv2d depthwise stride2", [2, 5, 7, 6], [5, 1, 3, 3], bias: false, stride: (2, 2), padding: (1, 1), groups: 5);
        yield return Conv2d("conv2d depthwise multiplier2 dilation2", [2, 3, 7, 8], [6, 1, 3, 2], padding: (2, 1), dilation: (2, 2), groups: 3);
        // Group blocks of 18 taps and 3 channels, 90 pixels: partial GEMM panels at every group boundary of the native path.
        yield return Conv2d("conv2d groups3 partial panels", [2, 6, 9, 10], [9, 2, 3, 3], padding: (1, 1), groups: 3);

        yield return ConvTranspose2d("conv_transpose2d 3x3", [2, 3, 4, 3], [3, 2, 3, 3]);
        yield return ConvTranspose2d("conv_transpose2d stride2 outpad1", [2, 3, 3, 4], [3, 2, 3, 3], stride: (2, 2), padding: (1, 1),
            outputPadding: (1, 1));
        yield return ConvTranspose2d("conv_transpose2d stride(2,3) pad(1,0) outpad(1,2) dilation(2,1)", [2, 3, 4, 3], [3, 2, 3, 2],
            stride: (2, 3), padding: (1, 0), outputPadding: (1, 2), dilation: (2, 1));
        yield return ConvTranspose2d("conv_transpose2d outpad below dilation", [1, 2, 3, 4], [2, 3, 2, 3], outputPadding: (1, 1),
            dilation: (2, 2));
        yield return ConvTranspose2d("conv_transpose2d stride beyond kernel", [1, 2, 3, 3], [2, 2, 2, 2], stride: (3, 3));
        yield return ConvTranspose2d("conv_transpose2d no bias", [2, 2, 3, 3], [2, 3, 2, 2], bias: false, stride: (2, 2));
        yield return ConvTranspose2d("conv_transpose2d groups2 stride2 outpad1", [2, 4, 3, 4], [4, 3, 3, 3], stride: (2, 2), padding: (1, 1),
            outputPadding: (1, 1), groups: 2);
        yield return ConvTranspose2d("conv_transpose2d depthwise stride2", [2, 3, 3, 3], [3, 1, 4, 4], bias: false, stride: (2, 2),
            padding: (1, 1), groups: 3);
    }
}
