using QSparse.Host.Training;
using QSparse.Host.Verification;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// verify-int on the CIFAR networks of Nn/Models as --fuse-bn trains them: a tiny ResNet and a tiny MobileNetV2 in
/// quantize+prune (E = 1, window 1: weights quantized at step 2, activations at 3, pruned at 5, 6, 7), biases quantized
/// with <see cref="BatchNormFolding.BiasBits"/> bits, every BatchNorm folded at <see cref="BatchNormFolding.FoldStep"/>
/// (the convolutions built without a bias get one, quantized with their weight), trained with SGD for 10 steps, replay in
/// integers with zero difference in every accumulation and output, the residual adds included.
/// </summary>
public class CifarModelReplayTests(string kind) : DeviceTest(kind)
{
    static readonly QsparsePlan Plan = ShortQsparseRun.Plan with { BiasBits = BatchNormFolding.BiasBits };

    [Test]
    public void ATinyResNetTrainedWithFoldedBatchNormReplaysExactly()
    {
        var net = new ResNet([1, 1, 1], 2, Device, new Generator(3), Plan);
        var checks = TrainFoldAndReplay(net);
        // FuseBn's rebuild (the reference's) replaces each one-block stage Sequential by its block: layer1.conv1, not layer1.0.conv1.
        Assert.That(checks.Select(c => c.Layer), Is.EqualTo(new[]
        {
            "qin", "conv1", "layer1.conv1", "layer1.conv2", "layer1.q2", "layer2.conv1", "layer2.conv2", "layer2.shortcut.0",
            "layer2.q2", "layer3.conv1", "layer3.conv2", "layer3.shortcut.0", "layer3.q2", "q2", "linear",
        }));
        Assert.That(checks.Single(c => c.Layer == "layer1.q2").Notes, Has.Some.StartsWith("op Add after 'layer1.shortcut': operands at decimals "),
            "the identity shortcut's add");
        Assert.That(checks.Single(c => c.Layer == "layer3.q2").Notes, Has.Some.StartsWith("op Add after 'layer3.shortcut.1': operands at decimals "),
            "the 1×1-convolution shortcut's add");
    }

    [Test]
    public void ATinyMobileNetV2TrainedWithFoldedBatchNormReplaysExactly()
    {
        var net = new MobileNetV2(Device, new Generator(5), Plan, widthMultiplier: 1.0 / 16);
        var checks = TrainFoldAndReplay(net);
        // 17 inverted residual blocks of three convolutions (and four 1×1 shortcut convolutions), the stem, the head, the classifier.
        Assert.That(checks.Count(c => c.AccumulationDiff != null), Is.EqualTo(3 + 17 * 3 + 4));
        var notes = checks.SelectMany(c => c.Notes).ToList();
        Assert.That(notes, Has.Some.StartsWith("op Add after 'layers.2.shortcut': operands at decimals "), "an identity shortcut's add");
        Assert.That(notes, Has.Some.StartsWith("op Add after 'layers.0.shortcut.1': operands at decimals "), "a 1×1-convolution shortcut's add");
    }

    /// <summary>
    /// Trains <paramref name="net"/> on one fixed batch as the Host's trainer does under --fuse-bn (folded before the step
    /// <see cref="BatchNormFolding.FoldStep"/>), checks that every bias is quantized, then replays it: zero differences.
    /// </summary>
    List<LayerCheck> TrainFoldAndReplay(Module net)
    {
        var g = new Generator(7);
        var x = Tensor.Rand(Device, [4, 3, 8, 8], g, -1, 1);
        var y = Tensor.FromArray(Device, new long[] { 0, 1, 2, 3 }, 4);
        long foldStep = BatchNormFolding.FoldStep(net);
        Assert.That(foldStep, Is.EqualTo(Plan.WeightTimeout), "the weight quantizers collect first (window 1)");
        net.Train();
        using (var sgd = new SGD(net.Parameters(), lr: 0.01, momentum: 0.9))
            for (int step = 0; step < ShortQsparseRun.Steps; step++)
            {
                if (step >= foldStep)
                    BatchNormFolding.Fold(net, sgd);
                using var scope = new TensorScope();
                var loss = Functional.CrossEntropy(net.Call(x), y);
                sgd.ZeroGrad();
                loss.Backward();
                sgd.Step();
            }
        Assert.That(BatchNormFolding.Folded(net), Is.True);
        var layers = net.NamedModules().Where(m => m.Module is Conv2d or Linear).ToList();
        Assert.That(layers.Select(m => (m.Name, Quantized: m.Module.ParameterTransforms("bias").OfType<QuantizeLayer>().SingleOrDefault()?.Quantized)),
            Has.All.Matches<(string, bool?)>(l => l.Item2 == true), "every bias quantized");
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        var checks = IntegerReplay.Run(net, state, x);
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff ?? 0), Is.EqualTo((0.0, 0.0)), c.Layer);
        return checks;
    }
}
