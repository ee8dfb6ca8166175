using System.CommandLine;
using QSparse.Host.Export;
using QSparse.Host.Reporting;
using QSparse.Host.Training;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse export --checkpoint C --format onnx-int|onnx-qdq|c|torch-state-dict --out PATH [--thin]</c>: writes the
/// trained network (pix2pix: its generator) in a form other tools run. onnx-int: the integer-only ONNX graph of
/// <see cref="OnnxIntExport"/>; c: that graph translated to one C99 header (<see cref="CExport"/>); onnx-qdq:
/// <see cref="ExportQdq"/>; torch-state-dict: the model's state dict for PyTorch (<see cref="TorchStateDict"/>).
/// --thin (onnx-int and c) removes the channels that are zero for every input first (<see cref="Thinning"/>) and prints
/// what that saved.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = CheckpointOption.Create();
        var format = new Option<string>("--format") { Description = "onnx-int: an integer-only ONNX graph (int8 in, int32 out); onnx-qdq: QuantizeLinear/DequantizeLinear around float ops, measured in ONNX Runtime; c: a C99 header with the weights and an integer-only qsparse_run; torch-state-dict: the model's state dict alone, for PyTorch's strict load_state_dict (docs/pytorch.md)", Required = true };
        format.AcceptOnlyFromAmong("onnx-int", "onnx-qdq", "c", "torch-state-dict");
        var output = new Option<string>("--out") { Description = "the file to write", Required = true };
        var data = DataOptions.Folder();
        var dataset = DataOptions.Dataset();
        var device = DeviceOption.Create();
        var thin = new Option<bool>("--thin") { Description = "remove the channels that are zero for every input (structured pruning) and print the sizes and MACs before and after" };
        var command = new Command("export", "write a quantized checkpoint in a form integer engines and other runtimes run")
        {
            checkpoint, format, output, data, dataset, device, thin,
        };
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            OutputFiles.Check(("--out", outPath));
            OutputFiles.Distinct(("--checkpoint", parse.GetValue(checkpoint)!), ("--out", outPath));
            if (parse.GetValue(thin) && parse.GetValue(format) is not ("onnx-int" or "c"))
                throw new ArgumentException($"--thin thins the integer graph: it goes with --format onnx-int or c, not {parse.GetValue(format)}");
            if (parse.GetValue(format) == "torch-state-dict")
                return TorchStateDict.Export(CheckpointFile.Read(parse.GetValue(checkpoint)!), outPath);
            using var dev = Device.Open(parse.GetValue(device));
            var path = parse.GetValue(checkpoint)!;
            var file = CheckpointFile.Read(path);
            var options = TrainOptions.ForCheckpoint(file.Config) with { EvalBatchSize = 1 };
            var test = TaskDataSource.Load(dev, options, parse.GetValue(data)!, parse.GetValue(dataset)!);
            if (parse.GetValue(format) == "onnx-qdq")
                return ExportQdq.Run(dev, file, path, test, outPath);
            var (input, target) = test.TestBatches(1).First();
            using (input)
            using (target)
                return Run(dev, file, path, input, outPath, parse.GetValue(format)!, parse.GetValue(thin));
        });
        return command;
    }

    /// <summary>
    /// Exports the network of <paramref name="file"/> (traced on <paramref name="example"/>) to <paramref name="outPath"/> as
    /// <paramref name="format"/>, <paramref name="thin"/>ned first (<see cref="Thinning"/>), and prints what it wrote.
    /// </summary>
    public static int Run(Device device, CheckpointFile file, string path, Tensor example, string outPath, string format = "onnx-int", bool thin = false)
    {
        var (net, config) = TrainedModel.Load(device, file);
        if (!config.Quantizes)
            throw new InvalidOperationException($"{path}: a network trained without quantization has no integer form to export");
        var model = OnnxIntExport.Build(net, file.Entries, example);
        if (thin)
        {
            var thinned = Thinning.Thin(model);
            model = thinned.Model;
            foreach (var line in ThinningTable.Lines(thinned.Report))
                Console.WriteLine(line);
        }
        var graph = model.Model.Graph;
        if (format == "c")
        {
            CExport.Save(model, outPath);
            Console.WriteLine($"{outPath}: c, {new FileInfo(outPath).Length} bytes, {graph.Node.Count} nodes translated; #define QSPARSE_IMPLEMENTATION in one C file before including it");
        }
        else
        {
            model.Save(outPath);
            Console.WriteLine($"{outPath}: onnx-int, {new FileInfo(outPath).Length} bytes, {graph.Node.Count} nodes, {graph.Initializer.Count} initializers, opset 17");
        }
        Console.WriteLine($"input int8 at decimal {model.InputDecimal} ({model.InputBits} bits); output int32 [N, {string.Join(", ", model.OutputShape.Skip(1))}] at decimal {model.OutputDecimal}");
        return 0;
    }
}
