using Onnx;
using QSparse.Nn;
using Google.Protobuf;

namespace QSparse.Tests.Export;

/// <summary>
/// <c>qsparse verify-int --onnx FILE</c> on the seed network's exports, written by the command line: an onnx-int file
/// runs in ONNX Runtime with max difference 0 and exit code 0, one weight changed in it gives a difference and exit
/// code 1; an onnx-qdq file is within its stated rounding difference (exit code 0) and a changed weight is not; a
/// missing or non-ONNX file is one line naming it.
/// </summary>
public class VerifyIntOnnxTests
{
    const int Images = 64;

    string checkpoint = "", folder = "";

    [OneTimeSetUp]
    public void TrainSeed()
    {
        (checkpoint, _) = TrainedSeed.Train(Accelerators.Get("cpu"), Images);
        folder = SyntheticIdx.Folder(8, Images);
    }

    [TestCase("onnx-int", "onnx-int export matches the float pipeline exactly", "error: the onnx-int export differs from the float pipeline")]
    [TestCase("onnx-qdq", "onnx-qdq export is within its stated rounding difference (QDQ rounds to nearest even; QSPARSE truncates)",
        "error: the onnx-qdq export differs from the float pipeline beyond the QDQ form's rounding")]
    public void AnExportMatchesAndOneChangedWeightDoesNot(string format, string verdict, string error)
    {
        OnnxIntExportTests.NeedOnnxRuntimeLibrary();
        var path = Path.ChangeExtension(checkpoint, $".{format}.onnx");
        var (exported, lines) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", format, "--out", path, "--data", folder, "--device", "cpu");
        Assert.That(exported, Is.EqualTo(0), string.Join("\n", lines));

        var (code, output) = Verify(path);
        Assert.That(code, Is.EqualTo(0), string.Join("\n", output));
        Assert.That(output[^1], Is.EqualTo(verdict));
        // 64 images × 10 logits, none different (against the round-to-nearest pipeline for onnx-qdq).
        Assert.That(output, Has.One.Contains($"{Images * 10} outputs").And.Some.Contains($"max difference 0, 0 of {Images * 10} differ"));

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var weight = model.Graph.Initializer.Single(t => t.Name == "conv1/weight");
        var bytes = weight.RawData.ToByteArray();
        int largest = Enumerable.Range(0, bytes.Length).MaxBy(i => Math.Abs((sbyte)bytes[i]));
        bytes[largest] = (byte)(sbyte)((sbyte)bytes[largest] - Math.Sign((sbyte)bytes[largest]));
        weight.RawData = ByteString.CopyFrom(bytes);
        var tampered = Path.ChangeExtension(checkpoint, $".{format}.tampered.onnx");
        File.WriteAllBytes(tampered, model.ToByteArray());

        var (changed, changedOutput) = Verify(tampered);
        Assert.That(changed, Is.EqualTo(1), string.Join("\n", changedOutput));
        Assert.That(changedOutput[^1], Is.EqualTo(error));
        Assert.That(changedOutput, Has.None.Contains($"max difference 0, 0 of {Images * 10} differ"));
    }

    [Test]
    public void AMissingOrNonOnnxFileIsOneLineNamingIt()
    {
        var missing = Path.Combine(Path.GetDirectoryName(checkpoint)!, "missing.onnx");
        Assert.That(Verify(missing), Is.EqualTo((1, new[] { $"error: {missing}: no such ONNX file" })));

        var text = Path.Combine(Path.GetDirectoryName(checkpoint)!, "notes.onnx");
        File.WriteAllText(text, "this is not an ONNX model\n");
        var (code, lines) = Verify(text);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.StartWith($"error: {text}: not an ONNX model"));
    }

    (int Code, string[] Lines) Verify(string onnx)
    {
        var (code, lines) = ProgramRun.Run("verify-int", "--checkpoint", checkpoint, "--onnx", onnx, "--data", folder, "--images", $"{Images}", "--device", "cpu");
        TestContext.Out.WriteLine($"verify-int --onnx {Path.GetFileName(onnx)}: exit code {code}\n{string.Join("\n", lines)}");
        return (code, lines);
    }
}
