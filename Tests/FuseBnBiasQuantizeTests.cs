using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// FuseBn's biasBits: the bias it creates on a weight-quantized layer gets a "quantize_bias" quantizer with the weight
/// quantizer's settings (channel-wise along dim 0 when the weight's is), searched in the same forward as the weight's
/// decimals; without biasBits, or on a layer whose weight is not quantized or that had a bias, none is added.
/// </summary>
public class FuseBnBiasQuantizeTests(string kind) : DeviceTest(kind)
{
    static Sequential Net(Device device, Generator g, bool bias, int channelwise) => new(
        Quantize(new Conv2d(2, 3, 3, bias: bias, device: device, generator: g), bits: 8, channelwise: channelwise, timeout: 4, windowSize: 2),
        new BatchNorm2d(3, device: device), new Conv2d(3, 2, 1, bias: false, device: device, generator: g), new BatchNorm2d(2, device: device));

    [TestCase(1, 0)]
    [TestCase(-1, -1)]
    public void TheCreatedBiasIsQuantizedWithTheWeightInTheSameForward(int channelwise, int biasChannelwise)
    {
        var g = new Generator(3);
        var model = Net(Device, g, bias: false, channelwise);
        var x = Tensor.Rand(Device, [2, 2, 6, 6], g, -1, 1);
        model.Train();
        for (int step = 0; step < 2; step++)
            using (new TensorScope())
                model.Call(x);
        FuseBn(model, biasBits: 12);
        var conv = model.GetSubmodule("0");
        var weight = (QuantizeLayer)conv.ParameterTransforms("weight").Single();
        var bias = (QuantizeLayer)conv.ParameterTransforms("bias").Single();
        Assert.That(conv.GetSubmodule("quantize_bias"), Is.SameAs(bias));
        Assert.That((bias.Bits, bias.Channelwise, bias.Collapse, bias.Timeout, bias.WindowSize, bias.Interval),
            Is.EqualTo((12, biasChannelwise, -1, 2, 2, -1)), "the weight's settings, its timeout counted from the fold (step 2 of 4)");
        Assert.That(model.GetSubmodule("1").ParameterTransforms("bias"), Is.Empty, "a layer whose weight is not quantized");
        for (int step = 2; step < 5; step++)
        {
            using (new TensorScope())
                model.Call(x);
            Assert.That((weight.Quantized, bias.Quantized), Is.EqualTo((step >= 4, step >= 4)), $"step {step}");
        }
        var raw = conv.StateDict().Single(kv => kv.Key == "bias").Value;
        var d = bias.Decimal.ToArray<float>();
        Assert.That(d, Has.Length.EqualTo(biasChannelwise == 0 ? 3 : 1));
        Assert.That(model.StateDict().Select(kv => kv.Key), Has.Some.EqualTo("0.quantize_bias.decimal"));
        // What the layer computes with: the raw bias truncated to 12-bit integers at its decimals.
        var expected = raw.ToArray<float>().Select((b, c) => (float)(Math.Clamp(Math.Truncate(MathF.ScaleB(b, (int)d[d.Length == 1 ? 0 : c])), -2048, 2047)
            * Math.ScaleB(1, -(int)d[d.Length == 1 ? 0 : c]))).ToArray();
        model.Eval();
        Assert.That(bias.Call(raw).ToArray<float>(), Is.EqualTo(expected));
    }

    [Test]
    public void WithoutBiasBitsOrWithABiasAlreadyNoneIsAdded()
    {
        var g = new Generator(4);
        var plain = FuseBn(Net(Device, g, bias: false, channelwise: 1));
        Assert.That(plain.GetSubmodule("0").ParameterTransforms("bias"), Is.Empty);
        var withBias = FuseBn(Net(Device, g, bias: true, channelwise: 1), biasBits: 12);
        Assert.That(withBias.GetSubmodule("0").ParameterTransforms("bias"), Is.Empty, "a bias the layer had is the wrapper's to quantize (Quantize's biasBits)");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FuseBn(Net(Device, g, bias: false, channelwise: 1), biasBits: 1))!;
        Assert.That(e.ParamName, Is.EqualTo("biasBits"));
    }
}
