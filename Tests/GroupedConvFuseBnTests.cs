using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// FuseBn folds into grouped and depthwise convolutions (a grouped transposed convolution's output channel of
/// weight [i, o, ...] is group(i)·out / groups + o) keeping the evaluation output; their integer replay is in
/// <see cref="IntegerReplayGeometryTests"/>.
/// </summary>
public class GroupedConvFuseBnTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void FuseBnOfGroupedConvolutionsKeepsTheEvaluationOutput()
    {
        var g = new Generator(13);
        var bns = new BatchNorm[] { new BatchNorm2d(6, device: Device), new BatchNorm2d(4, device: Device), new BatchNorm2d(4, device: Device) };
        foreach (var bn in bns)
            RandomBatchNorm.Randomize(bn, g);
        var model = new Sequential(
            new Conv2d(4, 6, 3, padding: 1, groups: 2, device: Device, generator: g), bns[0], new ReLU(),
            new ConvTranspose2d(6, 4, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, device: Device, generator: g), bns[1],
            new Conv2d(4, 4, 3, groups: 4, device: Device, generator: g), bns[2]);
        model.Eval();
        var x = Tensor.Rand(Device, [2, 4, 5, 4], g, -1, 1);
        var expected = model.Forward(x).ToArray<float>();
        FuseBn(model);
        Assert.That(model.NamedModules().Count(m => m.Module is BatchNorm), Is.Zero);
        Tolerance.AssertClose(model.Forward(x).ToArray<float>(), expected, 1e-5, 1e-5, "fused output");
    }
}
