using System.CommandLine;
using System.Globalization;
using QSparse.Host.Export;
using QSparse.Host.Training;
using QSparse.Host.Verification;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse verify-int --checkpoint PATH</c>: replays the trained network (pix2pix: its generator) in integer arithmetic
/// on test inputs and prints, per layer, the largest difference from the float pipeline; exit code 1 on any difference.
/// With <c>--onnx FILE</c> it runs an export of the checkpoint in ONNX Runtime instead (<see cref="OnnxRuntimeCheck"/>):
/// an onnx-int file must give the float pipeline's output exactly (exit code 1 on any difference); an onnx-qdq file
/// must be within its stated rounding difference (exact against the float pipeline with round-to-nearest-even
/// activation quantizers), and its disagreement with the float pipeline as trained is reported.
/// </summary>
public static class VerifyIntCommand
{
    /// <summary>The command with its options.</summary>
    public static Command Create()
    {
        var checkpoint = CheckpointOption.Create();
        var images = new Option<int>("--images") { Description = "test images to replay (the first ones)", DefaultValueFactory = _ => 256 };
        var data = DataOptions.Folder();
        var dataset = DataOptions.Dataset();
        var onnx = new Option<string?>("--onnx") { Description = "an onnx-int or onnx-qdq export of the checkpoint to run in ONNX Runtime and compare with the float pipeline, instead of the integer replay" };
        var device = DeviceOption.Create();
        var hints = new NetworkHintOptions();
        var command = new Command("verify-int", "replay a quantized checkpoint in integer arithmetic and compare it with the float pipeline layer by layer")
        {
            checkpoint, images, data, dataset, onnx, device,
        };
        foreach (var option in hints.All)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            int count = parse.GetValue(images);
            if (count < 1)
                throw new ArgumentException("--images must be at least 1");
            var onnxPath = parse.GetValue(onnx);
            var model = onnxPath == null ? null : OnnxRuntimeCheck.Read(onnxPath);
            using var dev = Device.Open(parse.GetValue(device));
            var file = CheckpointFile.Read(parse.GetValue(checkpoint)!, hints.Read(parse));
            var options = TrainOptions.ForCheckpoint(file.Config) with { EvalBatchSize = count };
            var test = TaskDataSource.Load(dev, options, parse.GetValue(data)!, parse.GetValue(dataset)!);
            var (input, target) = test.TestBatches(count).First();
            using (input)
            using (target)
                return model == null ? Run(dev, file, input) : RunOnnx(dev, file, onnxPath!, model, input);
        });
        return command;
    }

    /// <summary>Replays the network of the checkpoint at <paramref name="path"/> on <paramref name="inputs"/> [N, ...], prints the table; 0 when every checked difference is 0, else 1.</summary>
    public static int Run(Device device, string path, Tensor inputs) => Run(device, CheckpointFile.Read(path), inputs);

    /// <summary><see cref="Run(Device, string, Tensor)"/> for a checkpoint already read.</summary>
    public static int Run(Device device, CheckpointFile checkpoint, Tensor inputs)
    {
        var path = checkpoint.Path;
        var net = Quantized(device, checkpoint);
        bool folded = BatchNormFolding.Folded(ModelCatalog.FoldedPart(net));
        Console.WriteLine($"{path}: {inputs.Shape[0]} test images replayed in integer arithmetic{(folded ? "" : " (BatchNorm not folded: accumulations only)")}");
        return Report(IntegerReplay.Run(net, checkpoint.Entries, inputs));
    }

    /// <summary>
    /// Runs <paramref name="file"/> (<paramref name="model"/>, an onnx-int or onnx-qdq export of <paramref name="checkpoint"/>) in ONNX Runtime on <paramref name="inputs"/> and prints its agreement with the float
    /// pipeline; 0 when it is exact (onnx-int) or within the stated rounding difference (onnx-qdq), else 1.
    /// </summary>
    public static int RunOnnx(Device device, CheckpointFile checkpoint, string file, Onnx.ModelProto model, Tensor inputs)
    {
        string format = OnnxRuntimeCheck.FormatOf(file, model);
        OnnxRuntimeLibrary.Require();
        var net = Quantized(device, checkpoint);
        var example = inputs.Slice(0, 0, 1);
        if (format == "onnx-qdq")
            return OnnxRuntimeCheck.ReportQdq(file, OnnxRuntimeCheck.Qdq(file, net, OnnxQdqExport.Build(net, checkpoint.Entries, example), inputs)) ? 0 : 1;
        var expected = OnnxIntExport.Build(net, checkpoint.Entries, example);
        var agreement = OnnxRuntimeCheck.Int(file, net, expected, inputs);
        Console.WriteLine($"{file}: onnx-int in ONNX Runtime on {agreement.Images} test images: {agreement.Elements} outputs at decimal {expected.OutputDecimal}, {agreement}");
        bool exact = agreement.MaxDiff == 0;
        Console.WriteLine(exact ? "onnx-int export matches the float pipeline exactly" : "error: the onnx-int export differs from the float pipeline");
        return exact ? 0 : 1;
    }

    /// <summary>The checkpoint's network, refused in one line when it was trained without quantization.</summary>
    static Module Quantized(Device device, CheckpointFile checkpoint)
    {
        var (net, config) = TrainedModel.Load(device, checkpoint);
        return config.Quantizes ? net
            : throw new InvalidOperationException($"{checkpoint.Path}: a network trained without quantization has nothing to replay in integers");
    }

    /// <summary>Prints one row per layer (with its notes) and the verdict; returns the exit code: 0 when every checked difference is 0, else 1.</summary>
    public static int Report(IReadOnlyList<LayerCheck> checks)
    {
        int width = checks.Select(c => c.Layer.Length).Append(6).Max();
        Console.WriteLine($"{"layer".PadRight(width)} {"elements",10} {"accumulation max diff",22} {"output max diff",16}");
        foreach (var c in checks)
        {
            Console.WriteLine($"{c.Layer.PadRight(width)} {c.Elements,10} {Format(c.AccumulationDiff),22} {Format(c.OutputDiff),16}");
            foreach (var note in c.Notes)
                Console.WriteLine($"{new string(' ', width + 1)}{note}");
        }
        bool exact = checks.All(c => c.Exact);
        Console.WriteLine(exact ? "integer replay matches the float pipeline exactly" : "error: the integer replay differs from the float pipeline");
        return exact ? 0 : 1;
    }

    static string Format(double? diff) => diff is { } d ? d.ToString("G6", CultureInfo.InvariantCulture) : "-";
}
