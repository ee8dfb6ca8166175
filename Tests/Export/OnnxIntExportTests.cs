using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QSparse.Host.Export;
using QSparse.Nn;
using QSparse.Host.Training;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Tests.Export;

/// <summary>
/// The onnx-int export of a trained seed network, run by ONNX Runtime (another runtime: its own ConvInteger,
/// MatMulInteger, integer Div and Clip) on 256 test images, gives the float pipeline's logits times 2^d_out
/// exactly. Runs once, on the cpu device (the export reads the state dict; the device only traces the network).
/// </summary>
public class OnnxIntExportTests
{
    const int Images = 256;

    [Test]
    public void OnnxRuntimeGivesTheFloatPipelinesLogitsExactly()
    {
        var device = Accelerators.Get("cpu");
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(device, Images);
        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(device, file);
        var onnx = OnnxIntExport.Build(net, file.Entries, TrainedSeed.Batch(device, test, 1));
        var path = Path.Combine(Path.GetDirectoryName(checkpoint)!, "run.onnx");
        onnx.Save(path);

        var graph = onnx.Model.Graph;
        Assert.That(graph.Input.Single().Type.TensorType.ElemType, Is.EqualTo((int)DataType.Int8));
        Assert.That(graph.Node.Where(n => n.OpType is "ConvInteger" or "MatMulInteger").Select(n => n.Name),
            Is.EqualTo(new[] { "conv1/ConvInteger", "conv2/ConvInteger", "fc1/MatMulInteger", "fc2/MatMulInteger" }));
        Assert.That(graph.Node.Select(n => n.OpType), Has.None.AnyOf("Conv", "MatMul", "Gemm"), "no float arithmetic");
        var metadata = onnx.Model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(metadata["qsparse.input_decimal"], Is.EqualTo($"{onnx.InputDecimal}"));
        Assert.That(metadata["qsparse.output_decimal"], Is.EqualTo($"{onnx.OutputDecimal}"));
        Assert.That(metadata["qsparse.float_head"], Is.EqualTo("LogSoftmax at 'log_softmax'"));

        var images = TrainedSeed.Batch(device, test, Images);
        net.Eval();
        float[] logits;
        using (Autograd.NoGrad())
            logits = ModelTrace.Record(net, images, keepOutputs: true).Calls.Single(c => c.Path == "fc2").Output!.AsFloats();
        var expected = logits.Select(v => Math.ScaleB((double)v, onnx.OutputDecimal)).ToArray();
        Assert.That(expected, Has.All.Matches<double>(v => v == Math.Floor(v)), "the float pipeline's logits are integers at the output decimal");

        using var session = new InferenceSession(path);
        var input = new DenseTensor<sbyte>(onnx.QuantizeInput(images.ToArray<float>()), [Images, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var output = results.Single().AsTensor<int>().ToArray();
        Assert.That(output, Has.Length.EqualTo(Images * 10));
        double maxDiff = output.Select((v, i) => Math.Abs(v - expected[i])).Max();
        TestContext.Out.WriteLine($"ONNX Runtime {output.Length} logits (256 images): max difference {maxDiff} at decimal {onnx.OutputDecimal}; " +
                                  $"{graph.Node.Count} nodes, {new FileInfo(path).Length} bytes");
        Assert.That(maxDiff, Is.Zero);
        Assert.That(output.Distinct().Count(), Is.GreaterThan(100), "the logits vary (the comparison is not of constants)");
    }
}
