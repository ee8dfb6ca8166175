using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>FuseBn on the CIFAR networks (QSPARSE's order rule and a trace): every BatchNorm folded, the evaluation output kept.</summary>
public class CifarFuseBnTests(string kind) : DeviceTest(kind)
{
    static IEnumerable<TestCaseData> Cases()
    {
        foreach (var traced in new[] { false, true })
        {
            yield return new TestCaseData("resnet", traced);
            yield return new TestCaseData("mobilenetv2", traced);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryBatchNormFoldsAndTheEvaluationOutputStays(string model, bool traced)
    {
        var g = new Generator(2);
        Module net = model == "resnet" ? new ResNet([2, 2], 4, Device, g) : new MobileNetV2(Device, g, widthMultiplier: 0.125);
        foreach (var bn in net.NamedModules().Select(m => m.Module).OfType<BatchNorm>())
            RandomBatchNorm.Randomize(bn, g);
        net.Eval();
        var x = Tensor.Rand(Device, [2, 3, 8, 8], g, -1, 1);
        var expected = net.Call(x).ToArray<float>();
        FuseBn(net, traced ? ModelTrace.Record(net, x) : null);
        Assert.That(net.NamedModules().Where(m => m.Module is BatchNorm), Is.Empty);
        var keys = ModelKeys.Of(net);
        string block = model == "resnet" ? "layer2.0" : "layers.0";
        Assert.That(keys.Where(k => k.StartsWith($"{block}.shortcut.")), Is.EqualTo(ModelKeys.Under($"{block}.shortcut.0", "weight", "bias")));
        Tolerance.AssertClose(net.Call(x).ToArray<float>(), expected, 1e-5, 1e-5, "fused output");
    }
}
