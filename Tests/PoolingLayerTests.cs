using QSparse.Host.Verification;
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// The pooling and channel-dropout modules as PyTorch prints and checks them, and verify-int refusing average
/// pooling (a division is not an integer op) after passing Dropout2d (the identity in evaluation); their values are in the op table and Golden/layer_cases.
/// </summary>
public class PoolingLayerTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void ModulesPrintAsPyTorch()
    {
        Assert.That(new MaxPool2d(3, 2, 1, device: Device).ToString(),
            Is.EqualTo("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"));
        Assert.That(new MaxPool2d((3, 2), dilation: 2, ceilMode: true, device: Device).ToString(),
            Is.EqualTo("MaxPool2d(kernel_size=(3, 2), stride=(3, 2), padding=0, dilation=2, ceil_mode=True)"));
        Assert.That(new AvgPool2d(3, 2, 1, device: Device).ToString(), Is.EqualTo("AvgPool2d(kernel_size=3, stride=2, padding=1)"));
        Assert.That(new AvgPool2d(2, ceilMode: true, countIncludePad: false, device: Device).ToString(),
            Is.EqualTo("AvgPool2d(kernel_size=2, stride=2, padding=0)"));
        Assert.That(new AdaptiveAvgPool2d(1, Device).ToString(), Is.EqualTo("AdaptiveAvgPool2d(output_size=1)"));
        Assert.That(new AdaptiveAvgPool2d((2, 3), Device).ToString(), Is.EqualTo("AdaptiveAvgPool2d(output_size=(2, 3))"));
        Assert.That(new AdaptiveAvgPool2d(null, 7, Device).ToString(), Is.EqualTo("AdaptiveAvgPool2d(output_size=(None, 7))"));
        Assert.That(new Dropout2d(0.25, device: Device).ToString(), Is.EqualTo("Dropout2d(p=0.25, inplace=False)"));
    }

    [Test]
    public void BadArgumentsAreNamed()
    {
        var x = Tensor.Zeros(Device, [1, 1, 4, 4]);
        Assert.That(() => Functional.AvgPool2d(Tensor.Zeros(Device, [4, 4]), 2),
            Throws.ArgumentException.With.Message.StartsWith("avg_pool2d: expected [N, C, H, W] or [C, H, W], got [4, 4]"));
        Assert.That(() => Functional.AvgPool2d(x, 2, padding: 2),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("avg_pool2d: padding=(2, 2) must be between 0 and half"));
        Assert.That(() => Functional.AvgPool2d(x, 2, divisorOverride: 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("avg_pool2d: divisor_override must not be zero"));
        Assert.That(() => Functional.MaxPool2d(x, (5, 2)),
            Throws.ArgumentException.With.Message.StartsWith("max_pool2d: input [1, 1, 4, 4] is too small for kernel_size=(5, 2)"));
        Assert.That(() => Functional.AdaptiveAvgPool2d(x, 0, 2),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("adaptive_avg_pool2d: output_size (0, 2) must be positive"));
        Assert.That(() => Functional.Dropout2d(Tensor.Zeros(Device, [4, 4]), 0.5),
            Throws.ArgumentException.With.Message.StartsWith("dropout2d: expected [N, C, H, W] or [N, C, L], got [4, 4]"));
    }

    [Test]
    public void Dropout2dIsTheIdentityInEvaluation()
    {
        var x = Tensor.Rand(Device, [2, 3, 2, 2], new Generator(3));
        var dropout = new Dropout2d(0.5, new Generator(4), Device);
        dropout.Eval();
        Assert.That(dropout.Forward(x), Is.SameAs(x));
    }

    [Test]
    public void VerifyIntPassesDropout2dAndRefusesAnAverageOfNineValues()
    {
        using var log = new CapturingLogger();
        var net = new Sequential(
            ("qin", Quantize(bits: 8, channelwise: -1, decimalRange: (1, 7), timeout: 1, device: Device)),
            ("drop", new Dropout2d(0.5, new Generator(9), Device)),
            ("pool", new AvgPool2d(3, device: Device)));
        var x = Tensor.Rand(Device, [1, 1, 4, 4], new Generator(8));
        net.Train();
        for (int step = 0; step < 2; step++) // the decimals are searched at step 1
            using (new TensorScope())
                net.Call(x);
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        Assert.That(() => IntegerReplay.Run(net, state, x),
            Throws.InvalidOperationException.With.Message.EqualTo(
                "verify-int cannot replay AvgPool2d at 'pool' in integers: its windows are divided by 9, not a power of two: the average is not a fixed-point value"));
    }
}
