using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// InstanceNorm2d and GroupNorm as modules: PyTorch's state-dict names and printed forms, running statistics
/// (updated in training, used in evaluation), unbatched input, argument checks, and FuseBn leaving them alone.
/// Their values against PyTorch are in LayerCases, their gradients rows of Tests/Ops.
/// </summary>
public class NormalizationLayerTests(string kind) : DeviceTest(kind)
{
    Tensor R(ulong seed, params int[] shape) => Tensor.Rand(Device, shape, new Generator(seed), -1, 1);

    [Test]
    public void InstanceNorm2dStateDictAndRepr()
    {
        var plain = new InstanceNorm2d(4, device: Device);
        Assert.That(plain.StateDict(), Is.Empty);
        Assert.That(plain.ToString(), Is.EqualTo("InstanceNorm2d(4, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)"));
        var full = new InstanceNorm2d(3, eps: 1e-3, momentum: 0.2, affine: true, trackRunningStats: true, device: Device);
        Assert.That(full.StateDict().Select(kv => kv.Key),
            Is.EqualTo(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }));
        Assert.That(full.ToString(), Is.EqualTo("InstanceNorm2d(3, eps=0.001, momentum=0.2, affine=True, track_running_stats=True)"));
    }

    [Test]
    public void GroupNormStateDictAndRepr()
    {
        var norm = new GroupNorm(2, 6, device: Device);
        Assert.That(norm.StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(norm.Weight!.ToArray<float>(), Is.EqualTo(Enumerable.Repeat(1f, 6)));
        Assert.That(norm.Bias!.ToArray<float>(), Is.EqualTo(new float[6]));
        Assert.That(norm.ToString(), Is.EqualTo("GroupNorm(2, 6, eps=1e-05, affine=True)"));
        var plain = new GroupNorm(3, 6, 1e-3, affine: false, Device);
        Assert.That(plain.StateDict(), Is.Empty);
        Assert.That(plain.ToString(), Is.EqualTo("GroupNorm(3, 6, eps=0.001, affine=False)"));
    }

    /// <summary>
    /// Training updates the running statistics in place (the planes' statistics averaged over N; the counter is
    /// kept but not counted, as in PyTorch); evaluation then normalises every plane with them.
    /// </summary>
    [Test]
    public void InstanceNorm2dRunningStatistics()
    {
        var norm = new InstanceNorm2d(2, momentum: 0.5, trackRunningStats: true, device: Device);
        var runningMean = norm.RunningMean!;
        var x = Tensor.FromArray(Device, new float[] { 0, 2, 0, 2, 1, 1, 1, 5, 4, 4, 4, 4, -2, 2, -2, 2 }, 2, 2, 2, 2);
        norm.Forward(x);
        Assert.That(norm.RunningMean, Is.SameAs(runningMean), "updated in place");
        // Plane means (n0c0 1, n0c1 2, n1c0 4, n1c1 0), unbiased variances (4/3, 4, 0, 16/3); averaged over n, then halfway from (0, 1).
        Tolerance.AssertClose(norm.RunningMean!.ToArray<float>(), [0.5f * 2.5f, 0.5f * 1f], 0, 1e-6, "running_mean");
        Tolerance.AssertClose(norm.RunningVar!.ToArray<float>(), [0.5f + 0.5f * (2f / 3), 0.5f + 0.5f * (28f / 6)], 0, 1e-6, "running_var");
        Assert.That(norm.NumBatchesTracked!.ToArray<long>(), Is.EqualTo(new long[] { 0 }));

        norm.Eval();
        var y = norm.Forward(x).ToArray<float>();
        float[] mean = norm.RunningMean!.ToArray<float>(), var = norm.RunningVar!.ToArray<float>();
        var expected = x.ToArray<float>().Select((v, i) => (v - mean[i / 4 % 2]) / MathF.Sqrt(var[i / 4 % 2] + 1e-5f)).ToArray();
        Tolerance.AssertClose(y, expected, 1e-6, 1e-6, "evaluation with the running statistics");
    }

    [Test]
    public void InstanceNorm2dTakesUnbatchedInput()
    {
        var norm = new InstanceNorm2d(3, affine: true, device: Device);
        norm.Weight!.CopyFrom(Tensor.FromArray(Device, new float[] { 0.5f, 2, -1 }, 3));
        var x = R(3, 3, 2, 4);
        var y = norm.Forward(x);
        Assert.That(y.Shape, Is.EqualTo(new[] { 3, 2, 4 }));
        Assert.That(y.ToArray<float>(), Is.EqualTo(norm.Forward(x.Unsqueeze(0)).ToArray<float>()));
    }

    [Test]
    public void ArgumentChecksNameTheirArgument()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new GroupNorm(4, 6, device: Device))!.Message,
            Does.StartWith("GroupNorm: num_channels (6) must be divisible by num_groups (4)"));
        Assert.That(Assert.Throws<ArgumentException>(() => new GroupNorm(2, 6, device: Device).Forward(R(1, 2, 4, 3)))!.Message,
            Does.StartWith("GroupNorm: expected [N, 6, ...] input, got [2, 4, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => new InstanceNorm2d(3, device: Device).Forward(R(2, 2, 3)))!.Message,
            Does.StartWith("InstanceNorm2d: expected 3D or 4D input, got [2, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => new InstanceNorm2d(3, affine: true, device: Device).Forward(R(3, 1, 4, 2, 2)))!.Message,
            Does.StartWith("InstanceNorm2d: expected input with 3 channels, got [1, 4, 2, 2]"));
        Assert.That(Assert.Throws<ArgumentException>(() => new InstanceNorm2d(3, device: Device).Forward(R(4, 2, 3, 1, 1)))!.Message,
            Does.StartWith("instance_norm: expected more than 1 spatial element when training, got input size [2, 3, 1, 1]"));
        Assert.That(Assert.Throws<ArgumentException>(() => Functional.GroupNorm(R(5, 2, 6, 2), 4))!.Message,
            Does.StartWith("group_norm: expected the 6 channels of input [2, 6, 2] to be divisible by num_groups, got num_groups=4"));
    }

    /// <summary>Groups of one value normalise to (about) zero, then the bias, as in PyTorch, where batch_norm would refuse.</summary>
    [Test]
    public void GroupNormOfSingleValuesGivesTheBias()
    {
        var bias = Tensor.FromArray(Device, new float[] { 0.25f, -1, 3 }, 3);
        var y = Functional.GroupNorm(R(6, 2, 3), 3, Tensor.Ones(Device, [3]), bias);
        // NOTE: not exactly: y = x·alpha + beta with beta = -x·alpha rounded leaves x·alpha's rounding error (as PyTorch's fused form).
        Tolerance.AssertClose(y.ToArray<float>(), [0.25f, -1, 3, 0.25f, -1, 3], 0, 1e-4, "group_norm of single values");
    }

    /// <summary>FuseBn folds BatchNorm only: an InstanceNorm2d (running statistics and all) or GroupNorm after a convolution stays.</summary>
    [Test]
    public void FuseBnLeavesInstanceAndGroupNormAlone()
    {
        var model = new Sequential(
            new Conv2d(2, 4, 3, device: Device), new InstanceNorm2d(4, affine: true, trackRunningStats: true, device: Device),
            new Conv2d(4, 4, 1, device: Device), new GroupNorm(2, 4, device: Device));
        model.Eval();
        var x = R(7, 1, 2, 5, 5);
        var expected = model.Call(x).ToArray<float>();
        QSparseOps.FuseBn(model);
        Assert.That(model.NamedChildren().Select(c => c.Module.GetType().Name),
            Is.EqualTo(new[] { "Conv2d", "InstanceNorm2d", "Conv2d", "GroupNorm" }));
        Assert.That(model.Call(x).ToArray<float>(), Is.EqualTo(expected));
    }
}
