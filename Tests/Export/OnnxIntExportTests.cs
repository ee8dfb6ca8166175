using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QSparse.Host.Export;
using QSparse.Host.Training;
using QSparse.Nn;
using DataType = Onnx.TensorProto.Types.DataType;
using Tensor = QSparse.Nn.Tensor;

namespace QSparse.Tests.Export;

/// <summary>
/// The onnx-int export of trained networks, run by ONNX Runtime (another runtime: its own ConvInteger, MatMulInteger,
/// integer Div, Clip and ReduceSum), gives the float pipeline's output (the seed's logits before log-softmax) times
/// 2^d_out exactly, on 256 test images: the seed network, and ResNet-20 and MobileNetV2 with BatchNorm folded
/// (residual adds, ReLU6, global pooling). Runs once, on the cpu device (the export reads the state dict; the device
/// only traces the network).
/// </summary>
public class OnnxIntExportTests
{
    const int Images = 256;

    static Device Cpu => Accelerators.Get("cpu");

    /// <summary>ONNX Runtime's native library must be beside the tests; a publish for the GPU machine leaves it out (the project file says why).</summary>
    [OneTimeSetUp]
    public void NeedOnnxRuntime() => NeedOnnxRuntimeLibrary();

    /// <summary>Skips, saying why, where ONNX Runtime's native library is not in this build (<see cref="OnnxRuntimeLibrary"/>).</summary>
    internal static void NeedOnnxRuntimeLibrary()
    {
        if (OnnxRuntimeLibrary.Missing is { } why)
            Assert.Ignore(why);
    }

    [Test]
    public void SeedNetworkRunsExactlyInOnnxRuntime()
    {
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(Cpu, Images);
        var onnx = ExportAndCompare(checkpoint, TrainedSeed.Batch(Cpu, test, Images));

        var graph = onnx.Model.Graph;
        Assert.That(graph.Input.Single().Type.TensorType.ElemType, Is.EqualTo((int)DataType.Int8));
        Assert.That(graph.Node.Where(n => n.OpType is "ConvInteger" or "MatMulInteger").Select(n => n.Name),
            Is.EqualTo(new[] { "conv1/ConvInteger", "conv2/ConvInteger", "fc1/MatMulInteger", "fc2/MatMulInteger" }));
        var metadata = onnx.Model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(metadata["qsparse.input_decimal"], Is.EqualTo($"{onnx.InputDecimal}"));
        Assert.That(metadata["qsparse.output_decimal"], Is.EqualTo($"{onnx.OutputDecimal}"));
        Assert.That(metadata["qsparse.float_head"], Is.EqualTo("LogSoftmax at 'log_softmax'"));
        Assert.That(onnx.OutputPath, Is.EqualTo("fc2"));
    }

    [TestCase("resnet20", "idx")]
    [TestCase("mobilenetv2", "cifar")]
    public void FoldedNetworkRunsExactlyInOnnxRuntime(string model, string data)
    {
        using var scope = new TensorScope();
        var (checkpoint, _, images) = TrainedFolded.Train(Cpu, model, data, Images);
        var onnx = ExportAndCompare(checkpoint, images);
        Assert.That(onnx.Model.Graph.Node.Select(n => n.OpType), Has.Some.EqualTo("Add").And.Some.EqualTo("ReduceSum"));
        Assert.That(onnx.Model.MetadataProps.Select(p => p.Key), Has.None.EqualTo("qsparse.float_head"));
    }

    /// <summary>
    /// What the export must compute on <paramref name="images"/>: the float pipeline's output (at the module the export
    /// ends at, <see cref="FloatPipeline"/>) times 2^d_out, checked to be integers.
    /// </summary>
    internal static double[] FloatReference(Module net, Tensor images, OnnxIntModel onnx)
    {
        var expected = FloatPipeline.Outputs(net, images, onnx.OutputPath).Select(v => Math.ScaleB((double)v, onnx.OutputDecimal)).ToArray();
        Assert.That(expected, Has.All.Matches<double>(v => v == Math.Floor(v)), "the float pipeline's outputs are integers at the output decimal");
        return expected;
    }

    /// <summary>Exports the checkpoint's network, runs the file in ONNX Runtime on <paramref name="images"/> and checks it against the float pipeline.</summary>
    static OnnxIntModel ExportAndCompare(string checkpoint, Tensor images)
    {
        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(Cpu, file);
        var onnx = OnnxIntExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        var path = Path.ChangeExtension(checkpoint, ".onnx");
        onnx.Save(path);
        Assert.That(onnx.Model.Graph.Node.Select(n => n.OpType), Has.None.AnyOf("Conv", "MatMul", "Gemm"), "no float products");

        var expected = FloatReference(net, images, onnx);

        using var session = new InferenceSession(path);
        var input = new DenseTensor<sbyte>(onnx.QuantizeInput(images.ToArray<float>()), images.Shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var output = results.Single().AsTensor<int>().ToArray();
        Assert.That(output, Has.Length.EqualTo(expected.Length));
        double maxDiff = output.Select((v, i) => Math.Abs(v - expected[i])).Max();
        TestContext.Out.WriteLine($"{Path.GetFileName(path)}: ONNX Runtime {output.Length} outputs ({images.Shape[0]} images): max difference {maxDiff} " +
                                  $"at decimal {onnx.OutputDecimal}; {onnx.Model.Graph.Node.Count} nodes, {new FileInfo(path).Length} bytes");
        Assert.That(maxDiff, Is.Zero);
        Assert.That(output.Distinct().Count(), Is.GreaterThan(images.Shape[0]), "the outputs vary (the comparison is not of constants)");
        return onnx;
    }
}
