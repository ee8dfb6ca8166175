using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>The whole-network helpers fuse_bn and convert, and the bad-input errors of the layers.</summary>
public class QsparseNetworkTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void FuseBnKeepsTheEvaluationOutput()
    {
        var g = new Generator(11);
        var bns = new BatchNorm[] { new BatchNorm2d(4, eps: 1e-3, device: Device), new BatchNorm2d(3, device: Device), new BatchNorm1d(5, device: Device) };
        foreach (var bn in bns)
            RandomBatchNorm.Randomize(bn, g);
        var model = new Sequential(
            new Conv2d(2, 4, 3, bias: false, device: Device, generator: g), bns[0], new ReLU(),
            new Sequential(new ConvTranspose2d(4, 3, 3, stride: 2, device: Device, generator: g)), bns[1],
            new Flatten(), new Linear(3 * 13 * 13, 5, device: Device, generator: g), bns[2]);
        model.Eval();
        var x = Tensor.Rand(Device, [2, 2, 8, 8], g, -1, 1);
        var expected = model.Forward(x).ToArray<float>();
        FuseBn(model);
        Assert.That(model.NamedModules().Count(m => m.Module is BatchNorm), Is.Zero);
        // The reference's rebuilt Sequential: BatchNorms left out, Sequential(ConvTranspose2d) unwrapped, renumbered.
        Assert.That(model.StateDict().Select(kv => kv.Key),
            Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias" }));
        Tolerance.AssertClose(model.Forward(x).ToArray<float>(), expected, 1e-5, 1e-5, "fused output");
    }

    [Test]
    public void ConvertQuantizesWeightsAndAppendsActivationLayers()
    {
        using var log = new CapturingLogger();
        var model = new Sequential(new Conv2d(1, 2, 3, device: Device), new ReLU(), new Sequential(new Conv2d(2, 2, 3, device: Device)), new ReLU());
        var converted = Convert(model, m => m is null ? Quantize(bits: 8, device: Device) : Quantize(m, bits: 8),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)], input: true,
            excludedWeights: [(typeof(Conv2d), [-1])], excludedActivations: [(typeof(ReLU), [-1])]);
        var names = converted.NamedModules().Where(m => m.Module is QSparseLayer).Select(m => ((QSparseLayer)m.Module).Name);
        Assert.That(names, Is.EqualTo(new[] { "0", "1.0.quantize", "1.1.1" }));
        Assert.That(converted.Forward(Tensor.Rand(Device, [1, 1, 8, 8])).Shape, Is.EqualTo(new[] { 1, 2, 4, 4 }));
    }

    [Test]
    public void BadInputsNameTheParameterAndValue()
    {
        using var log = new CapturingLogger();
        void Check(TestDelegate action, string parameter, string value)
        {
            var e = Assert.Catch<ArgumentException>(action)!;
            Assert.That(e.ParamName, Is.EqualTo(parameter));
            Assert.That(e.Message, Does.Contain(value));
        }
        Check(() => Quantize(bits: 1), "bits", "1");
        Check(() => Quantize(bits: 32), "bits", "32");
        Check(() => Quantize(decimalRange: (5, 5)), "decimalRange", "(5, 5)");
        Check(() => Quantize(saturateRange: (0.5, 0.2)), "saturateRange", "(0.5, 0.2)");
        Check(() => Quantize(saturateRange: (0, 1.5)), "saturateRange", "1.5");
        Check(() => Quantize(windowSize: 0), "windowSize", "0");
        Check(() => Prune(sparsity: 1.0), "sparsity", "1");
        Check(() => Prune(windowSize: 0), "windowSize", "0");
        Check(() => Quantize(new ReLU()), "module", "ReLU");
        Check(() => Quantize(new Conv2d(1, 1, 1, bias: false, device: Device), biasBits: 8), "biasBits", "8");
        Check(() => Quantize(channelwise: 3, timeout: 0, device: Device).Forward(Tensor.Rand(Device, [2, 3])), "channelwise", "3");
    }
}
