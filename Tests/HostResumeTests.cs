using QSparse.Nn.Data;
using QSparse.Host.Training;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// <c>qsparse train --resume</c>: two epochs straight and one epoch, a checkpoint, then a resumed second
/// epoch give bit-identical weights and state (same device, same seed), on a tiny synthetic data set.
/// </summary>
public class HostResumeTests(string kind) : DeviceTest(kind)
{
    static readonly TrainOptions options = new()
    {
        Mode = TrainMode.Float, Epochs = 2, BatchSize = 4, EvalBatchSize = 8, LimitTrain = 8, Seed = 5,
    };

    [Test]
    public void TwoEpochsStraightEqualOnePlusResumedOne()
    {
        var data = MnistFolder.Load(SyntheticIdx.Folder(12, 4));
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resume-").FullName, "run.safetensors");

        using var straight = new Trainer(Device, options, TaskDataSource.Mnist(Device, data, options));
        straight.TrainEpoch((_, _) => { });
        straight.TrainEpoch((_, _) => { });

        using (var first = new Trainer(Device, options, TaskDataSource.Mnist(Device, data, options)))
        {
            first.TrainEpoch((_, _) => { });
            first.Save(checkpoint);
        }
        using var resumed = new Trainer(Device, options, TaskDataSource.Mnist(Device, data, options));
        resumed.Resume(checkpoint);
        Assert.That((resumed.Epoch, resumed.Step), Is.EqualTo((1, 2L)));
        resumed.TrainEpoch((_, _) => { });

        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        foreach (var (key, value) in resumed.Model.StateDict())
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        Assert.That(resumed.Lr, Is.EqualTo(straight.Lr));
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));
    }

    /// <summary>
    /// quantize+prune with --fuse-bn, E = 2 (batch 2 of 4 examples) and window 3: each step pushes 2 samples into
    /// the activation windows, so every window holds samples of two steps. Weights are quantized at step 4, the
    /// activations at 6 (window from steps 5 and 6), the first masks at 10 (window from 9 and 10): resuming after
    /// every epoch puts an epoch boundary inside every window.
    /// </summary>
    [Test]
    public void QsparseRunResumedAfterEveryEpochEqualsStraightRun()
    {
        var qsparse = options with
        {
            Mode = TrainMode.QuantizePrune, Order = QsparseOrder.QuantizeFirst, FuseBn = true, Window = 3, BatchSize = 2, LimitTrain = 4,
        };
        const int epochs = 6;
        var data = MnistFolder.Load(SyntheticIdx.Folder(6, 4));
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resume-").FullName, "run.safetensors");

        using var straight = new Trainer(Device, qsparse, TaskDataSource.Mnist(Device, data, qsparse));
        for (int e = 0; e < epochs; e++)
            straight.TrainEpoch((_, _) => { });

        for (int e = 0; e < epochs - 1; e++)
        {
            using var part = new Trainer(Device, qsparse, TaskDataSource.Mnist(Device, data, qsparse));
            if (e > 0)
                part.Resume(checkpoint);
            part.TrainEpoch((_, _) => { });
            part.Save(checkpoint);
        }
        Assert.That(SafeTensors.Read(checkpoint).Keys, Has.Some.StartsWith("extra.window.p1."), "the step-10 masks decide on a window begun in epoch 5");
        using var resumed = new Trainer(Device, qsparse, TaskDataSource.Mnist(Device, data, qsparse));
        resumed.Resume(checkpoint);
        resumed.TrainEpoch((_, _) => { });

        var layers = straight.Model.NamedModules().Where(m => m.Module is QSparseLayer).ToList();
        Assert.That(layers.Select(m => m.Module), Has.All.Matches<Module>(m => m is QuantizeLayer { Quantized: true } or PruneLayer { CurrentSparsity: > 0 }),
            "every quantizer has searched and every pruner has masked by the last epoch");
        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        var actual = resumed.Model.StateDict();
        Assert.That(actual.Select(kv => kv.Key), Is.EquivalentTo(expected.Keys));
        foreach (var (key, value) in actual)
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        foreach (var (path, module) in resumed.Model.NamedModules().Where(m => m.Module is QSparseLayer))
        {
            var layer = (QSparseLayer)module;
            var twin = (QSparseLayer)layers.Single(m => m.Name == path).Module;
            Assert.That(layer.NUpdates, Is.EqualTo(twin.NUpdates), path);
            Assert.That(layer.Window.Select(t => t.ToBytes()), Is.EqualTo(twin.Window.Select(t => t.ToBytes())), path);
        }
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));
    }

    [Test]
    public void RestoreWindowCopiesItsTensorsAndRefusesMoreThanWindowSize()
    {
        var layer = new QuantizeLayer(windowSize: 2, name: "q", device: Device);
        var items = new[] { Tensor.Full(Device, [1, 3], 1f), Tensor.Full(Device, [1, 3], 2f) };
        layer.RestoreWindow(items);
        items[0].Fill(5);
        Assert.That(layer.Window.Select(t => t.ToArray<float>()[0]), Is.EqualTo(new[] { 1f, 2f }));
        var e = Assert.Throws<ArgumentException>(() => layer.RestoreWindow([.. items, items[0]]))!;
        Assert.That(e.Message, Does.Contain("[Quantize @ q]").And.Contain("window_size = 2"));
        Assert.That(layer.Window, Has.Count.EqualTo(2), "a refused window leaves the old one");
    }

    [Test]
    public void ResumingWithOtherFlagsIsAnErrorNamingThem()
    {
        var data = MnistFolder.Load(SyntheticIdx.Folder(8, 2));
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-resume-").FullName, "run.safetensors");
        using (var first = new Trainer(Device, options, TaskDataSource.Mnist(Device, data, options)))
            first.Save(checkpoint);
        using var other = new Trainer(Device, options with { BatchSize = 2 }, TaskDataSource.Mnist(Device, data, options with { BatchSize = 2 }));
        var e = Assert.Throws<InvalidOperationException>(() => other.Resume(checkpoint))!;
        Assert.That(e.Message, Does.Contain("2 steps per epoch").And.Contain("4 steps per epoch"));
    }
}
