using System.CommandLine;
using System.Globalization;
using QSparse.Nn.Data;
using QSparse.Host.Training;
using QSparse.Host.Verification;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse verify-int --checkpoint PATH</c>: replays the trained network in integer arithmetic on test
/// images and prints, per layer, the largest difference from the float pipeline; exit code 1 on any difference.
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
        var device = DeviceOption.Create();
        var command = new Command("verify-int", "replay a quantized checkpoint in integer arithmetic and compare it with the float pipeline layer by layer")
        {
            checkpoint, images, data, dataset, device,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(images) < 1)
                throw new ArgumentException("--images must be at least 1");
            using var dev = Device.Open(parse.GetValue(device));
            var folder = MnistFolder.Load(parse.GetValue(data)!, parse.GetValue(dataset)!);
            return Run(dev, parse.GetValue(checkpoint)!, Transform.Images(folder.Test, folder.Normalization), parse.GetValue(images));
        });
        return command;
    }

    /// <summary>Replays the first <paramref name="count"/> images of <paramref name="test"/> (normalised), prints the table; 0 when every checked difference is 0, else 1.</summary>
    public static int Run(Device device, string path, IDataset<LabeledImage> test, int count)
    {
        var checkpoint = CheckpointFile.Read(path);
        var (net, config) = TrainedModel.Load(device, checkpoint);
        if (!config.Quantizes)
            throw new InvalidOperationException($"{path}: a network trained without quantization has nothing to replay in integers");
        var state = checkpoint.Entries;
        count = Math.Min(count, test.Count);
        using var scope = new TensorScope();
        var x = Batch.ToDevice(device, [.. Enumerable.Range(0, count).Select(i => test[i].Image)]);
        Console.WriteLine($"{path}: {count} test images replayed in integer arithmetic{(net.BatchNormFolded ? "" : " (BatchNorm not folded: accumulations only)")}");
        return Report(IntegerReplay.Run(net, state, x));
    }

    /// <summary>Prints one row per layer (with its notes) and the verdict; returns the exit code: 0 when every checked difference is 0, else 1.</summary>
    public static int Report(IReadOnlyList<LayerCheck> checks)
    {
        Console.WriteLine($"{"layer",-6} {"elements",10} {"accumulation max diff",22} {"output max diff",16}");
        foreach (var c in checks)
        {
            Console.WriteLine($"{c.Layer,-6} {c.Elements,10} {Format(c.AccumulationDiff),22} {Format(c.OutputDiff),16}");
            foreach (var note in c.Notes)
                Console.WriteLine($"       {note}");
        }
        bool exact = checks.All(c => c.Exact);
        Console.WriteLine(exact ? "integer replay matches the float pipeline exactly" : "error: the integer replay differs from the float pipeline");
        return exact ? 0 : 1;
    }

    static string Format(double? diff) => diff is { } d ? d.ToString("G6", CultureInfo.InvariantCulture) : "-";
}
