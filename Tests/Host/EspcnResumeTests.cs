using QSparse.Host.Training;
using QSparse.Host.Training.Tasks;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// <c>qsparse train --model espcn --resume</c>: ESPCN quantize+prune with --fuse-bn off (it has no BatchNorm), E = 1 and
/// window 2, resumed after every epoch through all of its QSPARSE events (weights at step 2, activations at 3, masks at
/// 5, 6 and 7), ends bit-identical to the straight run: weights, QSPARSE state and windows, Adam's state and the schedule.
/// </summary>
public class EspcnResumeTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void QuantizePruneRunResumedAfterEveryEpochEqualsStraightRun()
    {
        var options = new TrainOptions
        {
            Model = ModelKind.Espcn, Mode = TrainMode.QuantizePrune, Window = 2, Epochs = 8, BatchSize = 2, EvalBatchSize = 2, Seed = 9,
        };
        var folder = SyntheticIdx.Folder(2, 2);
        ITaskData Data() => TaskDataSource.Load(Device, options, folder, "auto");
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-espcn-").FullName, "run.safetensors");

        using var straight = new Trainer(Device, options, Data());
        while (straight.Epoch < options.Epochs)
            straight.TrainEpoch((_, _) => { });
        for (int e = 0; e < options.Epochs; e++)
        {
            using var part = new Trainer(Device, options, Data());
            if (e > 0)
                part.Resume(checkpoint);
            part.TrainEpoch((_, _) => { });
            part.Save(checkpoint);
        }
        using var resumed = new Trainer(Device, options, Data());
        resumed.Resume(checkpoint);

        Assert.That(straight.Model.NamedModules().Select(m => m.Module).OfType<QSparseLayer>(),
            Has.All.Matches<Module>(m => m is QuantizeLayer { Quantized: true } or PruneLayer { CurrentSparsity: > 0 }), "every QSPARSE event happened");
        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        foreach (var (key, value) in resumed.Model.StateDict())
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        Assert.That(resumed.Task.Optimizers[0].Optimizer.StateDict().Select(kv => kv.Value.ToBytes()),
            Is.EqualTo(straight.Task.Optimizers[0].Optimizer.StateDict().Select(kv => kv.Value.ToBytes())));
        Assert.That((resumed.Step, resumed.Lr), Is.EqualTo((straight.Step, straight.Lr)));
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));
    }
}
