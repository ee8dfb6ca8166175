using QSparse.Host.Reporting;
using QSparse.Host.Training;
using QSparse.Host.Training.Tasks;
using QSparse.Nn;
using QSparse.Nn.Data;
using SkiaSharp;

namespace QSparse.Tests;

/// <summary>
/// The tasks of <c>qsparse train</c> on small networks built here: super-resolution's PSNR and bilinear baseline,
/// classification's cross-entropy with the CIFAR recipe, pix2pix's two optimizers resumed bit-identically and its
/// sample grid, and the configuration a checkpoint records.
/// </summary>
public class TaskTrainingTests(string kind) : DeviceTest(kind)
{
    /// <summary>The images of a [N, C, H, W] tensor.</summary>
    static HostImage[] Images(Tensor t)
    {
        var pixels = t.ToArray<float>();
        int size = t.Numel / t.Shape[0];
        return [.. Enumerable.Range(0, t.Shape[0]).Select(i => new HostImage(pixels[(i * size)..((i + 1) * size)], t.Shape[1], t.Shape[2], t.Shape[3]))];
    }

    /// <summary>The same pairs for training and test, batched as <paramref name="options"/> say.</summary>
    ITaskData Pairs(Tensor inputs, Tensor targets, TrainOptions options)
    {
        var pairs = new ListDataset<ImagePair>([.. Images(inputs).Zip(Images(targets), (a, b) => new ImagePair(a, b))]);
        return TaskDataSource.Pairs(Device, pairs, pairs, "generated", inputs.Shape[1], options);
    }

    /// <summary>The same labelled images for training and test.</summary>
    ITaskData Labelled(Tensor images, long[] labels, int classes, TrainOptions options)
    {
        var examples = new ListDataset<LabeledImage>([.. Images(images).Select((x, i) => new LabeledImage(x, (int)labels[i]))]);
        return TaskDataSource.Labelled(Device, examples, examples, "generated", images.Shape[1], classes, options);
    }

    static Tensor Constants(Device device, float[] values, int side) =>
        Tensor.FromArray(device, values.SelectMany(v => Enumerable.Repeat(v, side * side)).ToArray(), values.Length, 1, side, side);

    [Test]
    public void SuperResolutionMeasuresEachImagesPsnrBesideTheBilinearBaseline()
    {
        // Constant images: the bilinear upsampling of a constant is that constant, so each image's MSE is (low - high)².
        var low = Constants(Device, [0.5f, 0.5f, 0.2f], 4);
        var high = Constants(Device, [0.25f, 0.5f, 0.1f], 8);
        var options = new TrainOptions { Model = ModelKind.Espcn, Mode = TrainMode.Float, Epochs = 2, BatchSize = 2, EvalBatchSize = 2 };
        using var trainer = new Trainer(Device, options, Pairs(low, high, options), (_, g) => new Sequential(
            new Conv2d(1, 4, 3, padding: 1, device: Device, generator: g), new PixelShuffle(2, Device)));
        var metrics = trainer.Evaluate(true);
        double Psnr(double mse) => Math.Min(100, 10 * Math.Log10(1 / mse));
        double expected = (Psnr(0.25 * 0.25) + 100 + Psnr(0.1 * 0.1)) / 3;
        Assert.That(metrics.Count, Is.EqualTo(3));
        Assert.That(metrics["bilinear_psnr"], Is.EqualTo(expected).Within(1e-4));
        Assert.That(metrics.Values.Select(m => m.Key), Is.EqualTo(new[] { "psnr", "bilinear_psnr", "test_loss" }));
        Assert.That(ResultLine.Format(metrics, 2.25), Does.StartWith("result: psnr=").And.Contain($" bilinear_psnr={expected:0.00} ").And.EndWith(" seconds=2.3"));

        // Adam at 1e-3, stepped down by 10 at 80% of the epochs: epoch 1 of 2 (int(1.6) = 1) runs at 1e-4.
        trainer.TrainEpoch((_, loss) => Assert.That(loss, Is.GreaterThan(0)));
        Assert.That(trainer.Lr, Is.EqualTo(1e-4).Within(1e-12));
    }

    [Test]
    public void CifarNetworksLearnWithCrossEntropyOnLogitsAndTheCosineSchedule()
    {
        var generator = new Generator(3);
        var images = Tensor.Randn(Device, [6, 3, 4, 4], generator);
        long[] classes = [0, 1, 2, 0, 1, 2];
        var labels = Tensor.FromArray(Device, classes, 6);
        var options = new TrainOptions { Model = ModelKind.Resnet20, Mode = TrainMode.Float, Epochs = 4, BatchSize = 3, EvalBatchSize = 4 };
        Module? network = null;
        using var trainer = new Trainer(Device, options, Labelled(images, classes, 3, options), (config, g) =>
        {
            Assert.That((config.Channels, config.Classes, config.Task), Is.EqualTo((3, 3, TaskKind.Classification)));
            return network = new Sequential(new Flatten(device: Device), new Linear(48, 3, device: Device, generator: g));
        });
        var before = trainer.Evaluate(true);
        using (new TensorScope())
        {
            var logits = network!.Call(images);
            Assert.That(before["test_loss"], Is.EqualTo(Functional.CrossEntropy(logits, labels).Item()).Within(1e-6), "cross-entropy on the logits");
            Assert.That(before["accuracy"], Is.EqualTo(logits.ArgMax(1).Eq(labels).To(DType.Float32).Mean().Item()).Within(1e-9));
        }
        trainer.TrainEpoch((_, _) => { });
        Assert.That(trainer.Lr, Is.EqualTo(0.1 * (1 + Math.Cos(Math.PI / 4)) / 2).Within(1e-12), "SGD 0.1, CosineAnnealingLR(T_max = 4)");
        for (int e = 1; e < 4; e++)
            trainer.TrainEpoch((_, _) => { });
        Assert.That(trainer.Evaluate(true)["test_loss"], Is.LessThan(before["test_loss"]));
    }

    static Pix2pixNetworks TinyPix2pix(Device device, Generator g) => new(
        new Sequential(new Conv2d(1, 4, 3, padding: 1, device: device, generator: g), new ReLU(device),
            new Conv2d(4, 1, 3, padding: 1, device: device, generator: g), new Tanh(device)),
        new Sequential(new Conv2d(2, 4, 3, stride: 2, padding: 1, device: device, generator: g), new BatchNorm2d(4, device: device),
            new ReLU(device), new Conv2d(4, 1, 3, padding: 1, device: device, generator: g)));

    [Test]
    public void Pix2pixResumesBothOptimizersBitIdenticallyAndWritesSampleGrids()
    {
        var generator = new Generator(11);
        var edges = Tensor.Rand(Device, [4, 1, 8, 8], generator) * 2f - 1f;
        var images = Tensor.Rand(Device, [4, 1, 8, 8], generator) * 2f - 1f;
        var options = new TrainOptions { Model = ModelKind.Pix2pix, Mode = TrainMode.Float, Epochs = 2, BatchSize = 2, EvalBatchSize = 2, Seed = 4 };
        var data = Pairs(edges, images, options);
        var folder = Directory.CreateTempSubdirectory("qsparse-pix2pix-").FullName;
        var checkpoint = Path.Combine(folder, "run.safetensors");
        Trainer Fresh() => new(Device, options, data, (_, g) => TinyPix2pix(Device, g));

        using var straight = Fresh();
        var losses = new List<double>();
        straight.TrainEpoch((_, l) => losses.Add(l));
        straight.TrainEpoch((_, l) => losses.Add(l));
        using (var first = Fresh())
        {
            first.TrainEpoch((_, _) => { });
            first.Save(checkpoint);
        }
        var keys = SafeTensors.Read(checkpoint).Keys.ToList();
        Assert.That(keys, Has.Some.StartsWith("netG.0.weight").And.Some.StartsWith("netD.1.running_mean"));
        Assert.That(keys, Has.Some.StartsWith("optimizer.state.").And.Some.StartsWith("extra.optimizer_d.state."));
        using var resumed = Fresh();
        resumed.Resume(checkpoint);
        resumed.TrainEpoch((_, _) => { });

        Assert.That(losses, Has.Count.EqualTo(4).And.All.GreaterThan(0));
        var expected = straight.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        foreach (var (key, value) in resumed.Model.StateDict())
            Assert.That(value.ToBytes(), Is.EqualTo(expected[key]), key);
        foreach (var ((prefix, a), (_, b)) in straight.Task.Optimizers.Zip(resumed.Task.Optimizers))
            Assert.That(b.StateDict().Select(kv => kv.Value.ToBytes()), Is.EqualTo(a.StateDict().Select(kv => kv.Value.ToBytes())), prefix);
        Assert.That(resumed.Evaluate(true), Is.EqualTo(straight.Evaluate(true)));

        resumed.WriteSamples(checkpoint, examples: 3);
        using var grid = SKBitmap.Decode(Pix2pixTask.SamplesPath(checkpoint, 2));
        Assert.That((grid.Width, grid.Height), Is.EqualTo((3 * (8 * ImageGrid.Zoom + 2), 2 * (8 * ImageGrid.Zoom + 2))), "input | output | target, one row per example of the first test batch");
        float corner = edges.ToArray<float>()[0];
        Assert.That(grid.GetPixel(0, 0).Red, Is.EqualTo((byte)Math.Round(255 * (corner + 1) / 2)), "the input, mapped back to [0, 1]");
    }

    [Test]
    public void CheckpointsRecordTheModelAndTaskAndOldOnesReadAsTheSeedNetwork()
    {
        var config = new NetworkConfig(TrainMode.QuantizePrune, PruneTarget.Weights, QsparseOrder.PruneFirst, 4, true, 9)
        {
            Model = ModelKind.Espcn, Task = TaskKind.SuperResolution, Channels = 3, Classes = 0, Scale = 3,
        };
        var extras = config.ToExtras().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.That(NetworkConfig.FromExtras(extras, "x"), Is.EqualTo(config));
        var old = extras.Where(kv => kv.Key is "config.mode" or "config.prune" or "config.order" or "config.window" or "config.fuse_bn" or "config.steps_per_epoch")
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.That(NetworkConfig.FromExtras(old, "x"), Is.EqualTo(config with { Model = ModelKind.Mnist, Task = TaskKind.Classification, Channels = 1, Classes = 10, Scale = 1 }));
        extras["config.model"] = CheckpointExtras.Int64("config.model", 99).Value;
        Assert.That(() => NetworkConfig.FromExtras(extras, "run.safetensors"),
            Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo("run.safetensors: 'extra.config.model' is 99, not a known ModelKind"));
    }
}
