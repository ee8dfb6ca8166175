using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Layer state, printed forms, tie rules and argument checks (their gradients are rows of Tests/Ops).</summary>
public class LayerTests(string kind) : DeviceTest(kind)
{
    Tensor R(ulong seed, params int[] shape) => Tensor.Rand(Device, shape, new Generator(seed), -1, 1);

    [Test]
    public void BatchNormWithoutAffineOrRunningStats()
    {
        var bn = new BatchNorm2d(3, affine: false, trackRunningStats: false, device: Device);
        Assert.That(bn.StateDict(), Is.Empty);
        var y = bn.Forward(R(12, 4, 3, 2, 2));
        // Normalised per channel: mean 0, biased variance 1 (up to eps).
        Tolerance.AssertClose(y.Mean([0, 2, 3]).ToArray<float>(), new float[3], 0, 1e-5, "channel means");
        Tolerance.AssertClose((y * y).Mean([0, 2, 3]).ToArray<float>(), [1f, 1f, 1f], 1e-3, 1e-3, "channel variances");
    }

    [Test]
    public void BatchNormStateDictAndRepr()
    {
        var bn = new BatchNorm2d(32, device: Device);
        Assert.That(bn.StateDict().Select(kv => kv.Key),
            Is.EqualTo(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }));
        Assert.That(bn.NumBatchesTracked!.Shape, Is.Empty);
        Assert.That(bn.NumBatchesTracked.DType, Is.EqualTo(DType.Int64));
        Assert.That(bn.ToString(), Is.EqualTo("BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"));
        Assert.That(new BatchNorm1d(7, momentum: 0.01, affine: false, device: Device).ToString(),
            Is.EqualTo("BatchNorm1d(7, eps=1e-05, momentum=0.01, affine=False, track_running_stats=True)"));
        Assert.Throws<ArgumentException>(() => bn.Forward(R(13, 2, 32)));
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(4, device: Device).Forward(R(14, 1, 4)), "one value per channel");
    }

    [Test]
    public void MaxPoolTiesPickTheFirstMaximum()
    {
        var x = Tensor.Ones(Device, [1, 1, 2, 2]).RequiresGrad_();
        var pool = new MaxPool2d(2, device: Device);
        pool.Forward(x).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new[] { 1f, 0, 0, 0 }));
        Assert.That(pool.ToString(), Is.EqualTo("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"));
        Assert.That(Functional.MaxPool2d(Tensor.Zeros(Device, [1, 1, 5, 5]), 2, ceilMode: true).Shape, Is.EqualTo(new[] { 1, 1, 3, 3 }));
    }

    [Test]
    public void LogSoftmaxIsStableForLargeLogits()
    {
        var y = new LogSoftmax(1, Device).Forward(Tensor.FromArray(Device, [1000f, 0f, -1000f], 1, 3));
        Tolerance.AssertClose(y.ToArray<float>(), [0f, -1000f, -2000f], 1e-6, 1e-6, "log_softmax of large logits");
        Assert.That(new LogSoftmax(1, Device).ToString(), Is.EqualTo("LogSoftmax(dim=1)"));
    }

    [Test]
    public void NllLossTargets()
    {
        var logProbs = Functional.LogSoftmax(R(20, 3, 4), 1);
        var expected = Functional.NllLoss(logProbs, Tensor.FromArray(Device, [1L, 3, 0], 3)).Item();
        Assert.That(Functional.NllLoss(logProbs, Tensor.FromArray(Device, [1, 3, 0], 3)).Item(), Is.EqualTo(expected), "int32 targets");
        // An ignored row leaves the mean over the other rows.
        var rows = logProbs.ToArray<float>();
        double mean = -(rows[0 * 4 + 1] + rows[2 * 4 + 0]) / 2.0;
        Assert.That(Functional.NllLoss(logProbs, Tensor.FromArray(Device, [1L, -100, 0], 3)).Item(), Is.EqualTo(mean).Within(1e-6));
        // A bad target is reported when the loss is read, not when it is computed (which must not wait for the device).
        var bad = Functional.NllLoss(logProbs, Tensor.FromArray(Device, [1L, 4, 0], 3));
        var e = Assert.Throws<ArgumentException>(() => bad.Item());
        Assert.That(e!.Message, Does.Contain("target 4 at row 1"));
        Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(R(21, 3, 4), Tensor.FromArray(Device, [-1L, 0, 0], 3)).ToArray<float>());
    }

    [Test]
    public void DropoutMasksAndScales()
    {
        const double p = 0.25;
        var x = Tensor.Rand(Device, [200, 500], new Generator(22), 1, 2);
        var dropout = new Dropout(p, new Generator(42), Device);
        Assert.That(dropout.ToString(), Is.EqualTo("Dropout(p=0.25, inplace=False)"));
        var input = x.ToArray<float>();
        var output = dropout.Forward(x).ToArray<float>();
        float scale = 1f / (float)(1 - p);
        int zeros = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (output[i] == 0f)
                zeros++;
            else
                Assert.That(output[i], Is.EqualTo(input[i] * scale), $"survivor {i} is scaled by exactly 1/(1 - p)");
        }
        Assert.That(zeros / (double)input.Length, Is.EqualTo(p).Within(0.01), "fraction dropped");

        var again = new Dropout(p, new Generator(42), Device).Forward(x).ToArray<float>();
        Assert.That(again, Is.EqualTo(output), "same seed, same mask");
        Assert.That(dropout.Forward(x).ToArray<float>(), Is.Not.EqualTo(output), "the generator moves on");

        dropout.Eval();
        Assert.That(dropout.Forward(x), Is.SameAs(x), "evaluation is the identity");
    }

    [TestCase(-0.1)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void DropoutRejectsBadProbabilities(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p, device: Device));
        Assert.That(e!.ParamName, Is.EqualTo("p"));
    }
}
