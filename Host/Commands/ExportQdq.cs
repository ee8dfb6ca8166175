using QSparse.Host.Export;
using QSparse.Host.Training;
using QSparse.Host.Training.Tasks;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse export --format onnx-qdq</c>: writes the QuantizeLinear/DequantizeLinear graph of <see cref="OnnxQdqExport"/>
/// and measures, in ONNX Runtime on the first <see cref="Images"/> test images, how far QuantizeLinear's rounding to
/// nearest even takes it from the (truncating) float pipeline.
/// </summary>
static class ExportQdq
{
    /// <summary>The test images the disagreement is measured on (fewer when the test set is smaller).</summary>
    public const int Images = 256;

    /// <summary>Exports the network of <paramref name="file"/> to <paramref name="outPath"/>, prints what it wrote and the disagreement; 0 unless the graph is beyond its stated difference.</summary>
    public static int Run(Device device, CheckpointFile file, string path, ITaskData test, string outPath)
    {
        var (net, config) = TrainedModel.Load(device, file);
        if (!config.Quantizes)
            throw new InvalidOperationException($"{path}: a network trained without quantization has no QDQ form to export");
        using var scope = new TensorScope();
        var batches = test.TestBatches(Images).ToList();
        var images = Tensor.Cat(batches.Select(b => b.Input).ToList());
        var model = OnnxQdqExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        model.Save(outPath);
        var graph = model.Model.Graph;
        Console.WriteLine($"{outPath}: onnx-qdq, {new FileInfo(outPath).Length} bytes, {graph.Node.Count} nodes " +
                          $"({graph.Node.Count(n => n.OpType == "QuantizeLinear")} QuantizeLinear), {graph.Initializer.Count} initializers, opset 17");
        Console.WriteLine($"input float32 [N, {string.Join(", ", graph.Input[0].Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue))}]; " +
                          $"output float32 [N, {string.Join(", ", model.OutputShape.Skip(1))}]; QuantizeLinear rounds to nearest even where QSPARSE truncates");
        if (OnnxRuntimeLibrary.Missing is { } why)
        {
            Console.WriteLine($"disagreement not measured: {why}");
            return 0;
        }
        return OnnxRuntimeCheck.ReportQdq(outPath, OnnxRuntimeCheck.Qdq(outPath, net, model, images)) ? 0 : 1;
    }
}
