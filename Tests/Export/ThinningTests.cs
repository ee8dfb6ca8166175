using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using QSparse.Host.Export;
using QSparse.Host.Reporting;
using QSparse.Host.Training;
using QSparse.Nn;
using DataType = Onnx.TensorProto.Types.DataType;
using Tensor = QSparse.Nn.Tensor;

namespace QSparse.Tests.Export;

/// <summary>
/// <c>export --thin</c>: the seed network with whole channels pruned (an activation mask zeroing two of conv1's channels,
/// a weight mask zeroing three of conv2's filters, one of them with a positive bias that must keep it, and p3's mask,
/// which zeroes whole features of fc1) loses exactly the channels that are zero for every input, and its thinned
/// export, run by ONNX Runtime and compiled with cc, gives the unthinned export's integers and the float pipeline's on
/// 256 images; the table's channels, parameters and MACs are the hand-counted ones, and the file's initializers are
/// smaller by exactly what the table counts. A residual add loses only the channels both its operands agree are zero,
/// and a grouped convolution keeps its channels, with a note naming it.
/// </summary>
public class ThinningTests
{
    const int Images = 256;

    static Device Cpu => Accelerators.Get("cpu");

    [OneTimeSetUp]
    public void NeedOnnxRuntime() => new OnnxIntExportTests().NeedOnnxRuntime();

    [Test]
    public void SeedNetworkThinnedRunsExactlyAndIsSmallerByTheCountedAmount()
    {
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(Cpu, Images);
        var file = CheckpointFile.Read(checkpoint);
        // Structured masks set by hand: conv1's channels 3 and 17 switched off by p1; conv2's filters 5, 40 and 41 by its
        // weight mask, with biases 0 (a zero output), −0.25 (negative: ReLU makes it zero) and +0.5 (a nonzero constant: kept).
        ZeroChannels(file.Entries["p1.mask"], 3, 17);
        ZeroChannels(file.Entries["conv2.prune.mask"], 5, 40, 41);
        SetBias(file.Entries["conv2.bias"], (5, 0f), (40, -0.25f), (41, 0.5f));
        int features = file.Entries["p3.mask"].AsBools().Count(m => m);
        Assert.That(features, Is.InRange(1, 127), "p3's mask zeroes whole features of fc1 (an activation mask on a Linear's output is structural)");

        var (net, _) = TrainedModel.Load(Cpu, file);
        var images = TrainedSeed.Batch(Cpu, test, Images);
        var (thinned, expected) = ExportThinnedAndCompare(checkpoint, net, file, images);
        string full = Path.ChangeExtension(checkpoint, ".onnx"), thin = Path.ChangeExtension(checkpoint, ".thin.onnx"), header = Path.ChangeExtension(checkpoint, ".thin.h");
        CExport.Save(thinned.Model, header);
        CExportTests.CompileAndCompare(CExportTests.Compiler(), header, thinned.Model, expected, images);

        var shapes = thinned.Model.Model.Graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        Assert.That(shapes["conv1/weight"], Is.EqualTo(new long[] { 30, 1, 3, 3 }));
        Assert.That(shapes["conv2/weight"], Is.EqualTo(new long[] { 62, 30, 3, 3 }), "filters 5 and 40 go, 41 (its output the bias, positive) stays");
        Assert.That(shapes["fc1/weight_t"], Is.EqualTo(new long[] { 62 * 12 * 12, features }), "each of conv2's channels is a block of 144 columns after pooling and flattening");
        Assert.That(shapes["fc2/weight_t"], Is.EqualTo(new long[] { features, 10 }));

        // By hand: weights out·in·k·k (+ the scalar alignment factor) + bias; MACs weights × output positions (26², 24², 1).
        var report = thinned.Report;
        TestContext.Out.WriteLine(string.Join("\n", ThinningTable.Lines(report)));
        Assert.That(shapes["conv1/align_factor"].Concat(shapes["conv2/align_factor"]).Concat(shapes["fc2/align_factor"]), Is.Empty, "scalar alignment factors");
        Assert.That(report.Layers, Is.EqualTo(new[]
        {
            new ThinnedLayer("conv1", new(32, 30), new(1, 1), new(32 * 9 + 1 + 32, 30 * 9 + 1 + 30), new(32 * 9 * 676, 30 * 9 * 676)),
            new ThinnedLayer("conv2", new(64, 62), new(32, 30), new(64 * 32 * 9 + 1 + 64, 62 * 30 * 9 + 1 + 62), new(64 * 32 * 9 * 576, 62 * 30 * 9 * 576)),
            new ThinnedLayer("fc1", new(128, features), new(9216, 8928), new(9216 * 128 + 128, 8928 * features + features), new(9216 * 128, 8928 * features)),
            new ThinnedLayer("fc2", new(10, 10), new(128, features), new(128 * 10 + 1 + 10, features * 10 + 1 + 10), new(128 * 10, features * 10)),
        }));
        // The masks p1 [32, 26, 26], p2 [64, 24, 24], p3 [128], three scalars per quantizer and the flattening's shape.
        Assert.That(report.OtherConstants, Is.EqualTo(new Change(32 * 676 + 64 * 576 + 128 + 9 + 2, 30 * 676 + 62 * 576 + features + 9 + 2)));
        var (a, b) = (Initializers(full), Initializers(thin));
        Assert.That(report.Constants, Is.EqualTo(new Change(a.Elements, b.Elements)), "the files' initializers hold what the table counts");
        Assert.That(report.InitializerBytes, Is.EqualTo(new Change(a.Bytes, b.Bytes)));
        Assert.That(report.ModelBytes, Is.EqualTo(new Change(new FileInfo(full).Length, new FileInfo(thin).Length)));
        Assert.That(report.Notes, Is.Empty);
        Assert.That(thinned.Model.Model.MetadataProps.Single(p => p.Key == "qsparse.thinned").Value,
            Is.EqualTo($"output channels removed (zero for every input): conv1/ConvInteger 2, conv2/ConvInteger 2, fc1/MatMulInteger {128 - features}"));
    }

    [Test]
    public void TheCommandLinePrintsTheTableAndWritesTheThinnedFiles()
    {
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(Cpu, 4);
        string folder = SyntheticIdx.Folder(1, 1), onnxPath = Path.ChangeExtension(checkpoint, ".onnx"), header = Path.ChangeExtension(checkpoint, ".h");
        var (code, lines) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "onnx-int", "--thin", "--out", onnxPath, "--data", folder, "--device", "cpu");
        Assert.That(code, Is.Zero, string.Join("\n", lines));
        TestContext.Out.WriteLine(string.Join("\n", lines));
        var (cCode, cLines) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "c", "--thin", "--out", header, "--data", folder, "--device", "cpu");
        Assert.That(cCode, Is.Zero, string.Join("\n", cLines));

        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(Cpu, file);
        var thinned = Thinning.Thin(OnnxIntExport.Build(net, file.Entries, TrainedSeed.Batch(Cpu, test, 1)));
        var table = ThinningTable.Lines(thinned.Report);
        int features = file.Entries["p3.mask"].AsBools().Count(m => m);
        Assert.That(lines[..table.Count], Is.EqualTo(table));
        Assert.That(cLines[..table.Count], Is.EqualTo(table));
        Assert.That(File.ReadAllBytes(onnxPath), Is.EqualTo(thinned.Model.Model.ToByteArray()), "the command writes the library's thinned model");
        Assert.That(File.ReadAllText(header), Is.EqualTo(CExport.Header(thinned.Model, Path.GetFileName(header))));
        Assert.That(table[0], Does.Match("^layer +out channels +in channels +parameters +MACs \\(one input\\)$"));
        Assert.That(table[3], Does.Match(FormattableString.Invariant($"^fc1 +128 → {features} +9,216 → 9,216 +1,179,776 → {9216 * features + features:#,0} +1,179,648 → {9216 * features:#,0}$")));
        Assert.That(table[4], Does.Match(FormattableString.Invariant($"^fc2 +10 → 10 +128 → {features} +1,291 → {features * 10 + 11:#,0} +1,280 → {features * 10:#,0}$")));
        Assert.That(lines[table.Count], Does.StartWith($"{onnxPath}: onnx-int, {new FileInfo(onnxPath).Length} bytes"));
    }

    /// <summary>
    /// ResNet-20 with two of layer1.0.conv1's filters zeroed (biases 0 and −0.25: zero after its quantizer's ReLU) and one
    /// of layer1.0.conv2's (bias 0): conv1 loses both, and conv2 their input channels; conv2's zero output channel is
    /// kept, since the residual add sums it with the block's input, whose channel is not zero.
    /// </summary>
    [Test]
    public void ResNetLosesTheZeroFiltersInsideABlockAndKeepsTheOneItsResidualAddNeeds()
    {
        using var scope = new TensorScope();
        var (checkpoint, _, images) = TrainedFolded.Train(Cpu, "resnet20", "idx", Images);
        var file = CheckpointFile.Read(checkpoint);
        ZeroChannels(file.Entries["layer1.0.conv1.weight"], 2, 4);
        SetBias(file.Entries["layer1.0.conv1.bias"], (2, 0f), (4, -0.25f));
        ZeroChannels(file.Entries["layer1.0.conv2.weight"], 5);
        SetBias(file.Entries["layer1.0.conv2.bias"], (5, 0f));
        var (net, _) = TrainedModel.Load(Cpu, file);

        var (thinned, _) = ExportThinnedAndCompare(checkpoint, net, file, images);

        var layers = thinned.Report.Layers.ToDictionary(l => l.Path);
        Assert.That((layers["layer1.0.conv1"].OutChannels, layers["layer1.0.conv2"].InChannels, layers["layer1.0.conv2"].OutChannels),
            Is.EqualTo((new Change(16, 14), new Change(16, 14), new Change(16, 16))));
        Assert.That(layers.Values.Where(l => l.Path is not ("layer1.0.conv1" or "layer1.0.conv2")).Select(l => (l.Path, l.OutChannels.Before == l.OutChannels.After, l.InChannels.Before == l.InChannels.After)),
            Has.All.Matches<(string, bool Out, bool In)>(l => l.Out && l.In), "no other layer changes");
        // A layer whose weight decimals vary over input channels is one ConvInteger per decimal, each over every input channel.
        int Parts(string layer) => thinned.Model.Model.Graph.Node.Count(n => n.Name.StartsWith($"{layer}/ConvInteger"));
        Assert.That(layers["layer1.0.conv1"].Macs, Is.EqualTo(new Change(Parts("layer1.0.conv1") * 16 * 16 * 9 * 32 * 32, Parts("layer1.0.conv1") * 14 * 16 * 9 * 32 * 32)));
        Assert.That(layers["layer1.0.conv2"].Macs, Is.EqualTo(new Change(Parts("layer1.0.conv2") * 16 * 16 * 9 * 32 * 32, Parts("layer1.0.conv2") * 16 * 14 * 9 * 32 * 32)));
        Assert.That(thinned.Report.Notes, Is.Empty);
    }

    /// <summary>
    /// A hand-made graph: a = convA(x), b = convB(x), c = convC(int8(a + b)), output = convG(int8(c)) with groups = 2.
    /// convA's filters 0 and 1 are zero, convB's filter 1: only channel 1 of the sum is zero on both sides, so only it
    /// goes (from convA, convB and convC's input); the grouped convG keeps convC's output channels, naming itself.
    /// </summary>
    [Test]
    public void AResidualAddLosesOnlyTheChannelsBothSidesAgreeOnAndAGroupedConvolutionKeepsItsChannels()
    {
        var graph = HandMade();
        Constant(graph, "a/weight", [3, 2, 1, 1], [0, 0, 0, 0, 3, -2]);
        Constant(graph, "b/weight", [3, 2, 1, 1], [1, 2, 0, 0, -1, 1]);
        Constant(graph, "c/weight", [2, 3, 1, 1], [1, 1, 1, 2, -1, 1]);
        Constant(graph, "g/weight", [2, 1, 1, 1], [3, -1]);
        Node(graph, "ConvInteger", "a/ConvInteger", "x", "a/weight");
        Node(graph, "ConvInteger", "b/ConvInteger", "x", "b/weight");
        Node(graph, "Add", "sum/Add", "a/ConvInteger", "b/ConvInteger");
        Requantize(graph, "sum", "sum/Add");
        Node(graph, "ConvInteger", "c/ConvInteger", "sum/to_int8", "c/weight");
        Requantize(graph, "c", "c/ConvInteger");
        Node(graph, "ConvInteger", "g/ConvInteger", "c/to_int8", "g/weight").Attribute.Add(Int("group", 2));
        var exported = Exported(graph, "g/ConvInteger");

        var thinned = Thinning.Thin(exported);

        var dims = thinned.Model.Model.Graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        Assert.That((dims["a/weight"], dims["b/weight"], dims["c/weight"], dims["g/weight"]),
            Is.EqualTo((new long[] { 2, 2, 1, 1 }, new long[] { 2, 2, 1, 1 }, new long[] { 2, 2, 1, 1 }, new long[] { 2, 1, 1, 1 })));
        Assert.That(thinned.Report.Layers.Select(l => (l.Path, l.OutChannels, l.InChannels)), Is.EqualTo(new[]
        {
            ("a", new Change(3, 2), new Change(2, 2)), ("b", new Change(3, 2), new Change(2, 2)),
            ("c", new Change(2, 2), new Change(3, 2)), ("g", new Change(2, 2), new Change(2, 2)),
        }));
        Assert.That(thinned.Report.Notes, Is.EqualTo(new[] { "g/ConvInteger: a grouped convolution (2 groups); the channels of its input and output are kept" }));
        AssertSameOutputs(exported, thinned);
    }

    /// <summary>A layer whose every filter is zero keeps one channel (a tensor of no channels has no C array), saying so.</summary>
    [Test]
    public void ALayerOfZeroFiltersKeepsOneChannel()
    {
        var graph = HandMade();
        Constant(graph, "a/weight", [2, 2, 1, 1], [0, 0, 0, 0]);
        Constant(graph, "c/weight", [2, 2, 1, 1], [1, 2, 3, 4]);
        Node(graph, "ConvInteger", "a/ConvInteger", "x", "a/weight");
        Requantize(graph, "a", "a/ConvInteger");
        Node(graph, "ConvInteger", "c/ConvInteger", "a/to_int8", "c/weight");
        var exported = Exported(graph, "c/ConvInteger");

        var thinned = Thinning.Thin(exported);

        Assert.That(thinned.Report.Layers.Select(l => (l.Path, l.OutChannels, l.InChannels)), Is.EqualTo(new[]
        {
            ("a", new Change(2, 1), new Change(2, 2)), ("c", new Change(2, 2), new Change(2, 1)),
        }));
        Assert.That(thinned.Report.Notes, Is.EqualTo(new[] { "a/ConvInteger: all 2 channels are zero; one is kept so that every tensor has a channel" }));
        AssertSameOutputs(exported, thinned);
    }

    /// <summary>
    /// Exports <paramref name="net"/> (the state <paramref name="file"/>) and its thinned form beside the checkpoint, runs
    /// both in ONNX Runtime on <paramref name="images"/> and checks that they give the same integers, the float pipeline's
    /// (returned: the output times 2^d_out).
    /// </summary>
    static (ThinnedModel Thinned, double[] Expected) ExportThinnedAndCompare(string checkpoint, Module net, CheckpointFile file, Tensor images)
    {
        var onnx = OnnxIntExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        var thinned = Thinning.Thin(onnx);
        string full = Path.ChangeExtension(checkpoint, ".onnx"), thin = Path.ChangeExtension(checkpoint, ".thin.onnx");
        onnx.Save(full);
        thinned.Model.Save(thin);
        var expected = OnnxIntExportTests.FloatReference(net, images, onnx);
        var (before, after) = (Run(full, onnx, images), Run(thin, thinned.Model, images));
        int count = images.Shape[0];
        TestContext.Out.WriteLine($"{after.Length} outputs ({count} images): max difference {after.Select((v, i) => Math.Abs(v - before[i])).Max()} to the unthinned export, " +
                                  $"{after.Select((v, i) => Math.Abs(v - expected[i])).Max()} to the float pipeline; {new FileInfo(full).Length} → {new FileInfo(thin).Length} bytes");
        Assert.That(after, Is.EqualTo(before));
        Assert.That(after.Select(v => (double)v), Is.EqualTo(expected));
        Assert.That(after.Distinct().Count(), Is.GreaterThan(count), "the outputs vary (the comparison is not of constants)");
        return (thinned, expected);
    }

    /// <summary>The int32 outputs of the onnx-int file at <paramref name="path"/> in ONNX Runtime on <paramref name="images"/>.</summary>
    static int[] Run(string path, OnnxIntModel model, Tensor images)
    {
        using var session = new InferenceSession(path);
        var input = new DenseTensor<sbyte>(model.QuantizeInput(images.ToArray<float>()), images.Shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        return results.Single().AsTensor<int>().ToArray();
    }

    /// <summary>A hand-made graph's input x, int8 [N, 2, 4, 4], and the int8 range's bounds "lo" and "hi".</summary>
    static GraphProto HandMade()
    {
        var graph = new GraphProto { Name = "hand-made" };
        graph.Input.Add(Value("x", DataType.Int8, 2, 4, 4));
        foreach (var (name, value) in new[] { ("lo", -128), ("hi", 127) })
            graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)DataType.Int32, Int32Data = { value } });
        return graph;
    }

    /// <summary>"path/Clip" into the int8 range and "path/to_int8", as an activation quantizer ends.</summary>
    static void Requantize(GraphProto graph, string path, string input)
    {
        Node(graph, "Clip", $"{path}/Clip", input, "lo", "hi");
        Node(graph, "Cast", $"{path}/to_int8", $"{path}/Clip").Attribute.Add(Int("to", (long)DataType.Int8));
    }

    /// <summary>The hand-made graph as an onnx-int model whose output is <paramref name="output"/>, int32 [N, 2, 4, 4].</summary>
    static OnnxIntModel Exported(GraphProto graph, string output)
    {
        graph.Output.Add(Value(output, DataType.Int32, 2, 4, 4));
        var model = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } } };
        return new OnnxIntModel(model, 0, 8, 0, [1, 2, 4, 4], null);
    }

    /// <summary>Both models give the same int32 outputs in ONNX Runtime on 64 random int8 inputs.</summary>
    static void AssertSameOutputs(OnnxIntModel exported, ThinnedModel thinned)
    {
        var random = new Random(5);
        var inputs = new DenseTensor<sbyte>(Enumerable.Range(0, 64 * 32).Select(_ => (sbyte)random.Next(-128, 128)).ToArray(), [64, 2, 4, 4]);
        int[] Outputs(ModelProto model)
        {
            using var session = new InferenceSession(model.ToByteArray());
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", inputs)]);
            return results.Single().AsTensor<int>().ToArray();
        }
        Assert.That(Outputs(thinned.Model.Model), Is.EqualTo(Outputs(exported.Model)));
    }

    /// <summary>The initializers' elements and bytes of the ONNX file at <paramref name="path"/>, counted from the file.</summary>
    static (long Elements, long Bytes) Initializers(string path)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        long count = graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));
        long bytes = graph.Initializer.Sum(t => t.RawData.Length + 4L * t.Int32Data.Count + 8L * t.Int64Data.Count + 4L * t.FloatData.Count);
        return (count, bytes);
    }

    /// <summary>Zeroes whole channels (slices along dimension 0) of a mask (false) or a weight (0), in place.</summary>
    static void ZeroChannels(HostTensor tensor, params int[] channels)
    {
        int bytes = tensor.Data.Length / tensor.Shape[0];
        foreach (int c in channels)
            Array.Clear(tensor.Data, c * bytes, bytes);
    }

    static void SetBias(HostTensor bias, params (int Channel, float Value)[] values)
    {
        foreach (var (c, v) in values)
            BitConverter.TryWriteBytes(bias.Data.AsSpan(4 * c), v);
    }

    static void Constant(GraphProto graph, string name, long[] dims, sbyte[] values) =>
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)DataType.Int8, Dims = { dims }, RawData = ByteString.CopyFrom(values.Select(v => (byte)v).ToArray()) });

    static NodeProto Node(GraphProto graph, string op, string name, params string[] inputs)
    {
        var node = new NodeProto { OpType = op, Name = name, Input = { inputs }, Output = { name } };
        graph.Node.Add(node);
        return node;
    }

    static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    static ValueInfoProto Value(string name, DataType type, params long[] dims) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" }, dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }) } },
            },
        },
    };
}
