using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The "cpu" device's native path against ILGPU's kernels on the CPU accelerator: the same op on the
/// same inputs (random, odd sizes, strides, broadcasting) agrees within 1e-5 relative.
/// </summary>
public class NativeCpuDifferentialTests
{
    static readonly Device Native = Accelerators.Get("cpu");
    static readonly Device Simulated = Accelerators.Get("cpu-accelerator");

    /// <summary>Runs <paramref name="f"/> on both devices with the same random inputs and compares outputs and input gradients.</summary>
    static void Agree(Func<Tensor[], Tensor> f, params int[][] shapes) => Agree(f, 1, shapes);

    /// <summary>
    /// As above, with absolute tolerances times <paramref name="scale"/>: a sum of K products of unit
    /// normals is about √K in size, so its rounding (which depends on the summation order) is too.
    /// </summary>
    static void Agree(Func<Tensor[], Tensor> f, double scale, params int[][] shapes)
    {
        using var scope = new TensorScope();
        var g = new Generator(17);
        var host = shapes.Select(s => Tensor.Randn(Simulated, s, g).ToArray<float>()).ToArray();
        (float[] Output, float[][] Grads) Run(Device d)
        {
            var inputs = host.Select((h, i) => Tensor.FromArray(d, h, shapes[i]).RequiresGrad_()).ToArray();
            var y = f(inputs);
            var w = Tensor.FromArray(d, Enumerable.Range(0, y.Numel).Select(i => MathF.Sin(i * 0.37f)).ToArray(), y.Shape);
            y.Mul(w).Sum().Backward();
            return (y.ToArray<float>(), inputs.Select(t => t.Grad?.ToArray<float>() ?? []).ToArray());
        }
        var (yn, gn) = Run(Native);
        var (ys, gs) = Run(Simulated);
        Tolerance.AssertClose(yn, ys, 1e-5, 1e-5 * scale, "output");
        for (int i = 0; i < gn.Length; i++)
            Tolerance.AssertClose(gn[i], gs[i], 1e-5, 1e-4 * scale, $"gradient of input {i}");
    }

    [Test] public void MatMul() => Agree(x => x[0].MatMul(x[1]), [37, 53], [53, 29]);
    [Test] public void MatMulTransposedBatched() => Agree(x => Tensor.MatMul(x[0], x[1], true, true), [3, 19, 7], [3, 11, 19]);
    [Test] public void Linear() => Agree(x => Functional.Linear(x[0], x[1], x[2]), [5, 67], [13, 67], [13]);

    [Test]
    public void Conv2d() => Agree(x => Functional.Conv2d(x[0], x[1], x[2], stride: (2, 1), padding: (1, 2), dilation: (1, 2)),
        [3, 4, 11, 10], [6, 4, 3, 2], [6]);

    [Test]
    public void ConvTranspose2d() => Agree(x => Functional.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1),
        [2, 5, 4, 3], [5, 2, 5, 5], [2]);

    // The native convolutions: stride-1 backward-data runs as a convolution with the flipped kernel
    // (padding d·(K−1)−p, negative when p is larger); more than 320 taps split K into blocks.
    [Test]
    public void Conv2dStride1Padded() => Agree(x => Functional.Conv2d(x[0], x[1], x[2], padding: (1, 2), dilation: (2, 1)),
        [2, 5, 9, 13], [7, 5, 3, 3], [7]);

    [Test]
    public void Conv2dPaddingBeyondKernel() => Agree(x => Functional.Conv2d(x[0], x[1], null, padding: 3), [2, 3, 5, 6], [4, 3, 2, 2]);

    [Test]
    public void Conv2dManyTaps() => Agree(x => Functional.Conv2d(x[0], x[1], x[2]), Math.Sqrt(360), [3, 40, 8, 9], [9, 40, 3, 3], [9]);

    [Test]
    public void ConvTranspose2dStride1Dilated() => Agree(x => Functional.ConvTranspose2d(x[0], x[1], x[2], outputPadding: 1, dilation: 2),
        [2, 3, 6, 5], [3, 4, 3, 2], [4]);

    // Products larger than one block of the native GEMM: K in blocks, row panels in several groups, a transposed B.
    [Test] public void MatMulBlocked() => Agree(x => x[0].MatMul(x[1]), Math.Sqrt(700), [200, 700], [700, 45]);
    // More than 2^22 floats of A: the native GEMM packs and multiplies it in two slabs of rows.
    [Test] public void MatMulInSlabs() => Agree(x => x[0].MatMul(x[1]), Math.Sqrt(3300), [1300, 3300], [3300, 5]);
    [Test] public void MatMulBlockedTransposedB() => Agree(x => Tensor.MatMul(x[0], x[1], false, true), Math.Sqrt(333), [203, 333], [37, 333]);

    [Test] public void BroadcastArithmetic() => Agree(x => (x[0] * x[1] + x[2]).Relu(), [3, 5, 7], [5, 1], [7]);
    // Maximum's gradient picks with a broadcast comparison (the native Compare).
    [Test] public void MaximumBroadcast() => Agree(x => x[0].Maximum(x[1]), [3, 5, 7], [5, 1]);
    [Test] public void PermuteAndSum() => Agree(x => x[0].Permute(2, 0, 1).Sum([0, 2]), [4, 5, 9]);
    [Test] public void FullSum() => Agree(x => x[0].Sum().Reshape(1), [301, 257]);

    [Test]
    public void BatchNormTraining() => Agree(x => Functional.BatchNorm(x[0], null, null, x[1], x[2], training: true),
        [6, 5, 7, 3], [5], [5]);

    [Test] public void MaxPool() => Agree(x => Functional.MaxPool2d(x[0], 2), [3, 4, 9, 8]);

    // Wide rows take the 8-outputs-at-a-time path of 2×2 pooling, with a scalar tail.
    [Test] public void MaxPoolWideRows() => Agree(x => Functional.MaxPool2d(x[0], 2), [2, 3, 7, 37]);

    [Test]
    public void MaxPoolTiesAndNaNPickTheSameInput()
    {
        // Small integers make ties in most windows; the NaNs must win their windows on both paths.
        var values = Enumerable.Range(0, 2 * 40 * 6).Select(i => i % 97 == 5 || i % 89 == 3 ? float.NaN : (i * 7 % 5)).ToArray();
        (float[] Y, float[] Grad) Run(Device d)
        {
            using var scope = new TensorScope();
            var x = Tensor.FromArray(d, values, 2, 1, 6, 40).RequiresGrad_();
            var y = Functional.MaxPool2d(x, 2);
            y.Mul(Tensor.FromArray(d, Enumerable.Range(1, y.Numel).Select(i => (float)i).ToArray(), y.Shape)).Sum().Backward();
            return (y.ToArray<float>(), x.Grad!.ToArray<float>());
        }
        var (yn, gn) = Run(Native);
        var (ys, gs) = Run(Simulated);
        Assert.That(yn, Is.EqualTo(ys));
        Assert.That(gn, Is.EqualTo(gs));
        Assert.That(yn.Count(float.IsNaN), Is.GreaterThan(0));
    }
    [Test] public void LogSoftmax() => Agree(x => Functional.LogSoftmax(x[0], 1), [7, 11]);

    [Test]
    public void DropoutMasksAreIdentical()
    {
        var a = Functional.Dropout(Tensor.Ones(Native, [1001]), 0.3, true, new Generator(5)).ToArray<float>();
        var b = Functional.Dropout(Tensor.Ones(Simulated, [1001]), 0.3, true, new Generator(5)).ToArray<float>();
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void AdadeltaSteps()
    {
        float[] Run(Device d)
        {
            var g = new Generator(3);
            var p = Tensor.FromArray(d, Tensor.Randn(Simulated, [257], g).ToArray<float>(), 257).RequiresGrad_();
            using var opt = new Adadelta([p], weightDecay: 0.01);
            for (int i = 0; i < 3; i++)
            {
                opt.ZeroGrad();
                (p * p * p).Sum().Backward();
                opt.Step();
            }
            return p.ToArray<float>();
        }
        // The native loop repeats the kernel's operations in order: the same parameters bit for bit.
        Assert.That(Run(Native), Is.EqualTo(Run(Simulated)), "parameters after 3 steps");
    }
}
