using QSparse.Host.Training;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// A catalog model with BatchNorm folded (ResNet-20 on synthetic IDX data, MobileNetV2 on generated CIFAR) trained by
/// the command line a few steps in --mode quantize, saved as a checkpoint: what the exports of folded networks take.
/// </summary>
static class TrainedFolded
{
    /// <summary>Trains <paramref name="model"/>; returns the checkpoint, the data folder and the first <paramref name="testImages"/> test images on <paramref name="device"/>.</summary>
    public static (string Checkpoint, string Folder, Tensor Images) Train(Device device, string model, string data, int testImages)
    {
        var folder = data == "idx" ? SyntheticIdx.Folder(2, testImages) : GeneratedData.Cifar(1, testImages);
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-folded-").FullName, "run.safetensors");
        var (code, train) = ProgramRun.Run("train", "--model", model, "--fuse-bn", "--data", folder, "--device", "cpu", "--mode", "quantize",
            "--window", "1", "--limit-train", "2", "--batch-size", "2", "--epochs", "4", "--save", checkpoint);
        Assert.That(code, Is.EqualTo(0), string.Join("\n", train));
        var options = TrainOptions.ForCheckpoint(CheckpointFile.Read(checkpoint).Config) with { EvalBatchSize = testImages };
        var (images, labels) = TaskDataSource.Load(device, options, folder, "auto").TestBatches(testImages).First();
        labels.Dispose();
        return (checkpoint, folder, images);
    }
}
