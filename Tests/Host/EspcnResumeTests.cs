using QSparse.Host.Training;
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
        using var straight = ResumedRuns.AssertResumedEqualsStraight(Device, options, () => TaskDataSource.Load(Device, options, folder, "auto"));
        Assert.That(straight.Model.NamedModules().Select(m => m.Module).OfType<QSparseLayer>(),
            Has.All.Matches<Module>(m => m is QuantizeLayer { Quantized: true } or PruneLayer { CurrentSparsity: > 0 }), "every QSPARSE event happened");
    }
}
