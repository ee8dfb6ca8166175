using QSparse.Host.Training;
using QSparse.Nn;

namespace QSparse.Tests.Export;

/// <summary>
/// A state dict without extra.config.* entries (PyTorch's) gets its configuration from its keys: the catalog's networks
/// built in several configurations give their state dicts' keys, which must give the configuration back; what cannot be
/// told is refused in one line, and integer extras are read as int64 or int32.
/// </summary>
public class TorchStateDictInferenceTests
{
    static Device Cpu => Accelerators.Get("cpu");

    [TestCase(ModelKind.Mnist, TrainMode.QuantizePrune, PruneTarget.Both, true, 1, 10, 1)]
    [TestCase(ModelKind.Mnist, TrainMode.Quantize, PruneTarget.Both, false, 1, 10, 1)]
    [TestCase(ModelKind.Mnist, TrainMode.Prune, PruneTarget.Weights, false, 1, 10, 1)]
    [TestCase(ModelKind.Mnist, TrainMode.Float, PruneTarget.Both, false, 1, 10, 1)]
    [TestCase(ModelKind.Resnet20, TrainMode.Quantize, PruneTarget.Both, true, 3, 7, 1)]
    [TestCase(ModelKind.Mobilenetv2, TrainMode.QuantizePrune, PruneTarget.Features, false, 3, 10, 1)]
    [TestCase(ModelKind.Espcn, TrainMode.QuantizePrune, PruneTarget.Weights, false, 3, 0, 3)]
    [TestCase(ModelKind.Resnet18, TrainMode.Prune, PruneTarget.Both, false, 1, 10, 1)]
    [TestCase(ModelKind.Pix2pix, TrainMode.QuantizePrune, PruneTarget.Both, false, 3, 0, 1)]
    [TestCase(ModelKind.Pix2pix, TrainMode.Quantize, PruneTarget.Both, true, 1, 0, 1)]
    public void TheKeysGiveTheConfigurationBack(ModelKind model, TrainMode mode, PruneTarget prune, bool fold, int channels, int classes, int scale)
    {
        using var scope = new TensorScope();
        var config = new NetworkConfig(mode, prune, QsparseOrder.PruneFirst, 8, fold, 120)
        {
            Model = model, Task = ModelCatalog.TaskOf(model), Channels = channels, Classes = classes, Scale = scale,
        };
        var net = ModelCatalog.Create(Cpu, config, new Generator(0));
        if (fold)
            BatchNormFolding.Fold(ModelCatalog.FoldedPart(net), null);
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        Assert.That(NetworkInference.Recorded(state), Is.False);
        Assert.That(NetworkInference.Infer(state, "sd.safetensors", new NetworkHints(Order: QsparseOrder.PruneFirst)), Is.EqualTo(config));
    }

    [Test]
    public void TheExportReadsBackWithItsConfigurationInferred()
    {
        using var scope = new TensorScope();
        var (checkpoint, _) = TrainedSeed.Train(Cpu, 16);
        var exported = Path.Combine(Path.GetDirectoryName(checkpoint)!, "model.safetensors");
        Assert.That(ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "torch-state-dict", "--out", exported).Code, Is.EqualTo(0));
        var (code, inspect) = ProgramRun.Run("inspect", "--checkpoint", exported);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(inspect[0], Is.EqualTo($"{exported}: model mnist (classification), mode quantize+prune, prune both, BatchNorm folded (no extra.config.* entries: inferred from the keys)"));
        Assert.That(inspect, Has.None.StartsWith("extra."));

        var data = SyntheticIdx.Folder(8, 16);
        Assert.That(EvalResult(data, "--checkpoint", exported, "--order", "prune-first", "--steps-per-epoch", "2"), Is.EqualTo(EvalResult(data, "--checkpoint", checkpoint)));
        var (refused, error) = ProgramRun.Run("eval", "--checkpoint", checkpoint, "--data", data, "--window", "2");
        Assert.That(refused, Is.Not.EqualTo(0));
        Assert.That(error, Has.Some.EqualTo($"error: --window: {checkpoint} records its configuration (extra.config.*); the flag is for a state dict without it"));
    }

    /// <summary>The result line of <c>qsparse eval</c> on the test set of <paramref name="data"/> with <paramref name="args"/>, without its timing.</summary>
    internal static string EvalResult(string data, params string[] args)
    {
        var (exit, output) = ProgramRun.Run(["eval", "--data", data, "--device", "cpu", .. args]);
        Assert.That(exit, Is.EqualTo(0), string.Join("\n", output));
        Assert.That(output.Last(), Does.StartWith("result: accuracy="));
        return output.Last()[..output.Last().IndexOf(" seconds=", StringComparison.Ordinal)];
    }

    [Test]
    public void KeysThatNameNoNetworkAskForTheModel()
    {
        var state = new Dictionary<string, HostTensor> { ["encoder.weight"] = new(DType.Float32, [1], new byte[4]) };
        Assert.That(() => NetworkInference.Infer(state, "sd.safetensors", NetworkHints.None), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo(
            "sd.safetensors: no extra.config.* entries and no key that names the network (netG.*: pix2pix, first_part.*: espcn, layers.*: mobilenetv2, "
            + "layer4.*: resnet18, layer1.*: resnet20, fc2.*: mnist): give --model"));
        Assert.That(() => NetworkInference.Infer(state, "sd.safetensors", new NetworkHints(Model: ModelKind.Mnist)), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo(
            "sd.safetensors: no layer weight 'conv1.weight', from which --model mnist reads its image channels (extra.config.* entries absent)"));
    }

    [Test]
    public void IntegerExtrasAreInt64OrInt32()
    {
        var extras = new Dictionary<string, HostTensor>
        {
            ["config.mode"] = new(DType.Int32, [], BitConverter.GetBytes(3)),
            ["config.window"] = CheckpointExtras.Int64("config.window", 8).Value,
            ["config.order"] = new(DType.Float32, [1], BitConverter.GetBytes(1f)),
        };
        Assert.That(CheckpointExtras.ReadInt64(extras, "config.mode", "run.safetensors"), Is.EqualTo(3));
        Assert.That(CheckpointExtras.ReadInt64(extras, "config.window", "run.safetensors"), Is.EqualTo(8));
        Assert.That(() => CheckpointExtras.ReadInt64(extras, "config.order", "run.safetensors"), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo(
            "run.safetensors: 'extra.config.order' is float32 [1], not an integer scalar (int64 or int32)"));
        Assert.That(() => CheckpointExtras.ReadInt64(extras, "config.prune", "run.safetensors"), Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo(
            "run.safetensors: no entry 'extra.config.prune' (not a qsparse train checkpoint?)"));
    }
}
