using QSparse.Host.Training;
using QSparse.Nn;
using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>
/// The seed network trained a few steps on synthetic IDX data with --fuse-bn, past every quantizer's timeout and
/// every pruning step (E = 2: weights quantized at step 4, activations at 6, BatchNorm folded at step 4 with window 2,
/// masks at 10, 12 and 14), saved as a checkpoint: what verify-int and the exports take.
/// </summary>
static class TrainedSeed
{
    static readonly TrainOptions Options = new()
    {
        Mode = TrainMode.QuantizePrune, FuseBn = true, Window = 2, Epochs = 8, BatchSize = 4, EvalBatchSize = 8, LimitTrain = 8, Seed = 3,
    };

    /// <summary>Trains on <paramref name="device"/>; returns the checkpoint's path and the normalized test images (<paramref name="testImages"/> of them).</summary>
    public static (string Checkpoint, IDataset<LabeledImage> Test) Train(Device device, int testImages)
    {
        var data = MnistFolder.Load(SyntheticIdx.Folder(8, testImages));
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-seed-").FullName, "run.safetensors");
        using (var trainer = new Trainer(device, Options, TaskDataSource.Mnist(device, data, Options)))
        {
            while (trainer.Epoch < Options.Epochs)
                trainer.TrainEpoch((_, _) => { });
            Assert.That(BatchNormFolding.Folded(trainer.Model), Is.True);
            trainer.Save(checkpoint);
        }
        return (checkpoint, Transform.Images(data.Test, data.Normalization));
    }

    /// <summary>The first <paramref name="count"/> images of <paramref name="test"/> as one batch on <paramref name="device"/>.</summary>
    public static Tensor Batch(Device device, IDataset<LabeledImage> test, int count) =>
        QSparse.Nn.Data.Batch.ToDevice(device, [.. Enumerable.Range(0, count).Select(i => test[i].Image)]);
}
