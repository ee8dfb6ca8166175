using QSparse.Host.Training;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// <c>qsparse train --model resnet20 --fuse-bn</c> (a width-2 ResNet with one block per stage, E = 2 steps): the fold at
/// the weights' timeout gives every bias-less convolution a bias, which the optimizer takes in (a new parameter group) and
/// trains from then on; a run resumed after every epoch, folds included, ends bit-identical to the straight run.
/// </summary>
public class FoldedResnetResumeTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void CreatedBiasesTrainAndTheRunResumesBitIdentically()
    {
        var options = new TrainOptions
        {
            Model = ModelKind.Resnet20, Mode = TrainMode.QuantizePrune, FuseBn = true, Window = 1, Epochs = 8, BatchSize = 2, EvalBatchSize = 4, Seed = 3,
        };
        var folder = SyntheticIdx.Folder(4, 4);
        Module Tiny(NetworkConfig config, Generator g) =>
            new ResNet([1, 1, 1], 2, Device, g, BatchNormFolding.Plan(config), config.Channels, config.Classes);
        int unfolded = Tiny(new NetworkConfig(options.Mode, options.Prune, options.Order, 1, true, 2) { Model = options.Model, Channels = 1, Classes = 10 },
            new Generator(0)).Parameters().Count();

        using var straight = ResumedRuns.AssertResumedEqualsStraight(Device, options, () => TaskDataSource.Load(Device, options, folder, "auto"), Tiny);
        var optimizer = straight.Task.Optimizers[0].Optimizer;
        Assert.That(BatchNormFolding.Folded(straight.Model), Is.True);
        // conv1, three blocks' conv1 and conv2, two projection shortcuts: 9 bias-less convolutions gained a bias.
        Assert.That(optimizer.Parameters.Count - unfolded, Is.EqualTo(9), "created biases in the optimizer");
        Assert.That(optimizer.StateDict().Count(kv => int.Parse(kv.Key.Split('.')[1]) >= unfolded), Is.EqualTo(9),
            "each created bias has a momentum buffer: it was stepped");
    }
}
