using Onnx;
using QSparse.Host.Export;
using QSparse.Host.Training;
using QSparse.Nn;
using DataType = Onnx.TensorProto.Types.DataType;
using Tensor = QSparse.Nn.Tensor;

namespace QSparse.Tests.Export;

/// <summary>
/// The onnx-qdq export of trained networks, run by ONNX Runtime on 256 test images, is within its stated rounding
/// difference: exactly the float pipeline rounded as the graph rounds (activations to nearest even, as QuantizeLinear
/// does; biases to the scale of input × weight), and, against the float pipeline as trained (truncating), the measured
/// disagreement: the seed network, and
/// ResNet-20 and MobileNetV2 with BatchNorm folded (residual adds, ReLU6, global pooling), written by the command line,
/// which prints the same numbers.
/// </summary>
public class OnnxQdqExportTests
{
    const int Images = 256;

    static Device Cpu => Accelerators.Get("cpu");

    [OneTimeSetUp]
    public void NeedOnnxRuntime() => OnnxIntExportTests.NeedOnnxRuntimeLibrary();

    [Test]
    public void SeedNetworkInOnnxRuntimeIsWithinTheRoundingDifference()
    {
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(Cpu, Images);
        var images = TrainedSeed.Batch(Cpu, test, Images);
        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(Cpu, file);
        var qdq = OnnxQdqExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        var path = Path.ChangeExtension(checkpoint, ".qdq.onnx");
        qdq.Save(path);
        var (truncating, nearest) = Compare(path, net, qdq, images);

        var graph = qdq.Model.Graph;
        TestContext.Out.WriteLine(string.Join("\n", graph.Node.Select(n => $"{n.Name}: {n.OpType}({string.Join(", ", n.Input)})")));
        Assert.That(graph.Input.Single().Type.TensorType.ElemType, Is.EqualTo((int)DataType.Float));
        Assert.That(qdq.Model.OpsetImport.Single().Version, Is.EqualTo(17));
        Assert.That(graph.Node.Where(n => n.OpType == "QuantizeLinear").Select(n => n.Name), Is.EqualTo(qdq.Quantizers.Select(q => $"{q}/QuantizeLinear")));
        Assert.That(qdq.Quantizers, Is.EqualTo(new[] { "qin", "q1", "q2", "q3" }));
        Assert.That(graph.Node.Where(n => n.OpType is "Conv" or "Gemm").Select(n => n.Name), Is.EqualTo(new[] { "conv1/Conv", "conv2/Conv", "fc1/Gemm", "fc2/Gemm" }));
        Assert.That(graph.Node.Where(n => n.OpType == "DequantizeLinear").Select(n => n.Name),
            Is.SupersetOf(new[] { "conv1/weight/DequantizeLinear", "conv2/weight/DequantizeLinear", "fc1/weight/DequantizeLinear", "fc2/weight/DequantizeLinear", "qin/DequantizeLinear" }));
        Assert.That(graph.Node.Select(n => n.OpType), Has.None.AnyOf("ConvInteger", "MatMulInteger", "Div"), "no integer-form ops");

        // The weights are QSPARSE's own integers: the onnx-int export's, bit for bit; the metadata the same keys and values.
        var integer = OnnxIntExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        var metadata = qdq.Model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        foreach (var layer in new[] { "conv1", "conv2" })
            Assert.That(Initializer(qdq.Model, $"{layer}/weight").RawData, Is.EqualTo(Initializer(integer.Model, $"{layer}/weight").RawData), layer);
        Assert.That(Initializer(qdq.Model, "fc1/weight").DataType, Is.EqualTo((int)DataType.Int8));
        // Every layer reads a quantized value: its bias is int32 at the scale of input × weight, the QDQ convention.
        Assert.That(qdq.Biases.Keys, Is.EquivalentTo(new[] { "conv1.quantize_bias", "conv2.quantize_bias", "fc1.quantize_bias", "fc2.quantize_bias" }));
        Assert.That(Initializer(qdq.Model, "conv2/bias").DataType, Is.EqualTo((int)DataType.Int32));
        Assert.That(Initializer(qdq.Model, "conv1/bias").DataType, Is.EqualTo((int)DataType.Int32));
        Assert.That(qdq.Biases["fc2.quantize_bias"], Has.All.EqualTo(int.Parse(metadata["qsparse.q3.decimal"]) + int.Parse(metadata["qsparse.fc2.weight_decimals"])));
        foreach (var entry in integer.Model.MetadataProps.Where(p => p.Key != "qsparse.output_decimal"))
            Assert.That(metadata[entry.Key], Is.EqualTo(entry.Value), entry.Key);
        Assert.That(metadata.Keys, Does.Contain("qsparse.fc1.weight_sparsity").And.Contain("qsparse.q1.bits"));
        Assert.That(qdq.Model.DocString, Does.Contain("QuantizeLinear rounds to nearest, ties to even").And.Contain("truncates toward zero"));

        Assert.That(nearest.MaxDiff, Is.Zero);
        Assert.That(truncating.Differing, Is.GreaterThan(0), "the rounding differs somewhere: the comparison is not of equal pipelines");
        // Measured: every logit differs (by up to 0.113), no top-1 class does.
        Assert.That(truncating.Top1, Is.EqualTo(1));
        Assert.That(truncating.MaxDiff, Is.LessThan(0.25));
    }

    [TestCase("resnet20", "idx")]
    [TestCase("mobilenetv2", "cifar")]
    public void FoldedNetworkExportedByTheCommandLineIsWithinTheRoundingDifference(string model, string data)
    {
        using var scope = new TensorScope();
        var (checkpoint, folder, images) = TrainedFolded.Train(Cpu, model, data, Images);
        var path = Path.ChangeExtension(checkpoint, ".qdq.onnx");
        var (exit, lines) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "onnx-qdq", "--out", path, "--data", folder, "--device", "cpu");
        TestContext.Out.WriteLine(string.Join("\n", lines));
        Assert.That(exit, Is.EqualTo(0), string.Join("\n", lines));

        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(Cpu, file);
        var qdq = OnnxQdqExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        var (truncating, nearest) = Compare(path, net, qdq, images);
        Assert.That(lines, Does.Contain($"  against the float pipeline (truncating quantizers): {truncating}"));
        Assert.That(lines, Does.Contain($"  against the float pipeline rounded as QDQ rounds (to nearest even): {nearest}"));
        var ops = qdq.Model.Graph.Node.Select(n => n.OpType).ToList();
        Assert.That(ops, Has.Some.EqualTo("Add").And.Some.EqualTo("GlobalAveragePool"));
        Assert.That(ops.Count(o => o == "QuantizeLinear"), Is.EqualTo(qdq.Quantizers.Count));
        var paths = net.NamedModules().Select(m => m.Name).ToHashSet();
        Assert.That(qdq.Model.Graph.Node.Where(n => n.OpType is "Conv" or "Gemm" or "QuantizeLinear").Select(n => n.Name[..n.Name.LastIndexOf('/')]),
            Has.All.Matches<string>(paths.Contains), "every layer and quantizer node is named after its module's path");

        Assert.That(nearest.MaxDiff, Is.Zero);
        Assert.That(truncating.Differing, Is.GreaterThan(0));
        // Measured: every logit differs (by up to 0.080 for ResNet-20, 0.035 for MobileNetV2), no top-1 class does.
        Assert.That(truncating.Top1, Is.EqualTo(1));
        Assert.That(truncating.MaxDiff, Is.LessThan(0.25));
    }

    /// <summary>The file in ONNX Runtime against the float pipeline, printed; the same check, and the same numbers, as the command's.</summary>
    static (OnnxAgreement Truncating, OnnxAgreement Nearest) Compare(string path, Module net, OnnxQdqModel qdq, Tensor images)
    {
        var check = OnnxRuntimeCheck.Qdq(path, net, qdq, images);
        TestContext.Out.WriteLine($"{Path.GetFileName(path)}: {qdq.Model.Graph.Node.Count} nodes, {new FileInfo(path).Length} bytes; " +
                                  $"truncating: {check.Truncating}; nearest: {check.Nearest}");
        Assert.That(check.Nearest.Elements, Is.EqualTo(images.Shape[0] * 10));
        return check;
    }

    static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);
}
