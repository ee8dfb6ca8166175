using QSparse.Host.Training;
using QSparse.Host.Training.Tasks;
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
        ITaskData Data() => TaskDataSource.Load(Device, options, folder, "auto");
        Module Tiny(NetworkConfig config, Generator g) =>
            new ResNet([1, 1, 1], 2, Device, g, BatchNormFolding.Plan(config), config.Channels, config.Classes);
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resnet-").FullName, "run.safetensors");

        using var straight = new Trainer(Device, options, Data(), Tiny);
        int before = straight.Task.Optimizers[0].Optimizer.Parameters.Count;
        while (straight.Epoch < options.Epochs)
            straight.TrainEpoch((_, _) => { });
        for (int e = 0; e < options.Epochs; e++)
        {
            using var part = new Trainer(Device, options, Data(), Tiny);
            if (e > 0)
                part.Resume(checkpoint);
            part.TrainEpoch((_, _) => { });
            part.Save(checkpoint);
        }
        using var resumed = new Trainer(Device, options, Data(), Tiny);
        resumed.Resume(checkpoint);

        var optimizer = straight.Task.Optimizers[0].Optimizer;
        Assert.That(BatchNormFolding.Folded(straight.Model), Is.True);
        // conv1, three blocks' conv1 and conv2, two projection shortcuts: 9 bias-less convolutions gained a bias.
        Assert.That(optimizer.Parameters.Count - before, Is.EqualTo(9), "created biases in the optimizer");
        Assert.That(optimizer.StateDict().Count(kv => int.Parse(kv.Key.Split('.')[1]) >= before), Is.EqualTo(9),
            "each created bias has a momentum buffer: it was stepped");
        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        foreach (var (key, value) in resumed.Model.StateDict())
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        Assert.That(resumed.Task.Optimizers[0].Optimizer.StateDict().Select(kv => kv.Key + kv.Value.ToBytes().Length),
            Is.EqualTo(optimizer.StateDict().Select(kv => kv.Key + kv.Value.ToBytes().Length)));
        Assert.That(resumed.Task.Optimizers[0].Optimizer.StateDict().Select(kv => kv.Value.ToBytes()),
            Is.EqualTo(optimizer.StateDict().Select(kv => kv.Value.ToBytes())));
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));
    }
}
