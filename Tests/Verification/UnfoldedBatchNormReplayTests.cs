using QSparse.Host.Verification;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The seed network with its BatchNorms not folded: verify-int checks each layer's accumulation, says why the
/// output after a BatchNorm is not checked, and restarts from the float pipeline's quantized output.
/// </summary>
public class UnfoldedBatchNormReplayTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void AccumulationsAreCheckedAndTheUncheckedOutputsNamed()
    {
        using var log = new CapturingLogger();
        var net = new MnistNet(Device, new Generator(3), new QsparsePlan(Quantize: true, Window: 2));
        var x = Tensor.Rand(Device, [2, 1, 28, 28], new Generator(4));
        // Weights are quantized at step 2, activations at step 3.
        var checks = IntegerReplay.Run(net, ReplayFixture.Forwards(net, x, steps: 4), x);
        Assert.That(checks.Select(c => (c.Layer, c.AccumulationDiff ?? 0, c.OutputDiff)), Is.EqualTo(new[]
        {
            ("qin", 0.0, (double?)0.0), ("conv1", 0.0, null), ("conv2", 0.0, null), ("fc1", 0.0, null), ("fc2", 0.0, null),
        }));
        Assert.That(checks[1].Notes, Has.Member("output not checked: bn1 (BatchNorm) sits between conv1 and q1; train with --fuse-bn"));
        Assert.That(checks[3].Notes, Has.Member("output not checked: bn3 (BatchNorm) sits between fc1 and q3; train with --fuse-bn"));
    }
}
