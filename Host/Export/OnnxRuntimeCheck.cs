using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// An ONNX export of a checkpoint run by ONNX Runtime on test images and compared with the checkpoint's float pipeline
/// (what <c>verify-int --onnx</c> and <c>export --format onnx-qdq</c> print):
/// <list type="bullet">
/// <item>onnx-int: its int32 output against the float pipeline's output times 2^d_out; exact means max difference 0.</item>
/// <item>onnx-qdq: its float32 output against the float pipeline (the disagreement the QDQ form's rounding makes,
/// reported) and against the float pipeline rounded as the graph rounds (activations by QuantizeLinear, biases to
/// the product's scale, both to nearest even): the stated difference; within it means max difference 0 there.</item>
/// </list>
/// </summary>
public static class OnnxRuntimeCheck
{
    /// <summary>Which export <paramref name="model"/> is, from its graph input's type: int8 for onnx-int, float32 for onnx-qdq.</summary>
    public static string FormatOf(string file, Onnx.ModelProto model) => model.Graph?.Input is [var input] ? (DataType)input.Type.TensorType.ElemType switch
    {
        DataType.Int8 => "onnx-int",
        DataType.Float => "onnx-qdq",
        var t => throw new InvalidOperationException($"{file}: its input is {t}; an onnx-int export takes int8, an onnx-qdq export float32"),
    } : throw new InvalidOperationException($"{file}: an ONNX model with {model.Graph?.Input.Count ?? 0} graph inputs is not a qsparse export (one input)");

    /// <summary>Reads the ONNX model at <paramref name="file"/>, one line naming it when it is missing or not ONNX.</summary>
    public static Onnx.ModelProto Read(string file)
    {
        if (!File.Exists(file))
            throw new FileNotFoundException($"{file}: no such ONNX file");
        try
        {
            using var stream = File.OpenRead(file);
            var model = Onnx.ModelProto.Parser.ParseFrom(stream);
            return model.Graph != null ? model : throw new InvalidDataException($"{file}: not an ONNX model (no graph)");
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{file}: not an ONNX model ({e.Message})");
        }
    }

    /// <summary>The onnx-int file's output against what the export of <paramref name="net"/> (<paramref name="expected"/>) stands for, in steps of 2^-d_out.</summary>
    public static OnnxAgreement Int(string file, Module net, OnnxIntModel expected, Tensor images)
    {
        var actual = OnnxRuntimeRun.Run<sbyte, int>(file, expected.QuantizeInput(images.ToArray<float>()), images.Shape);
        var reference = FloatPipeline.Outputs(net, images, expected.OutputPath).Select(v => Math.ScaleB((double)v, expected.OutputDecimal)).ToArray();
        return OnnxAgreement.Of(file, actual.Select(v => (double)v).ToArray(), reference, [images.Shape[0], .. expected.OutputShape.Skip(1)]);
    }

    /// <summary>
    /// The onnx-qdq file's output against the float pipeline of <paramref name="net"/> as trained (truncating), and
    /// against it rounded as the export <paramref name="expected"/> rounds.
    /// </summary>
    public static (OnnxAgreement Truncating, OnnxAgreement Nearest) Qdq(string file, Module net, OnnxQdqModel expected, Tensor images)
    {
        var actual = OnnxRuntimeRun.Run<float, float>(file, images.ToArray<float>(), images.Shape).Select(v => (double)v).ToArray();
        int[] shape = [images.Shape[0], .. expected.OutputShape.Skip(1)];
        OnnxAgreement Against(OnnxQdqModel? roundedAs) =>
            OnnxAgreement.Of(file, actual, FloatPipeline.Outputs(net, images, expected.OutputPath, roundedAs).Select(v => (double)v).ToArray(), shape);
        return (Against(null), Against(expected));
    }

    /// <summary>Prints the onnx-qdq comparison; true when it is within the stated difference (exact against the round-to-nearest pipeline).</summary>
    public static bool ReportQdq(string file, (OnnxAgreement Truncating, OnnxAgreement Nearest) check)
    {
        Console.WriteLine($"{file}: ONNX Runtime on {check.Truncating.Images} test images, {check.Truncating.Elements} outputs");
        Console.WriteLine($"  against the float pipeline (truncating quantizers): {check.Truncating}");
        Console.WriteLine($"  against the float pipeline rounded as QDQ rounds (to nearest even): {check.Nearest}");
        bool within = check.Nearest.MaxDiff == 0;
        Console.WriteLine(within
            ? "onnx-qdq export is within its stated rounding difference (QDQ rounds to nearest even; QSPARSE truncates)"
            : "error: the onnx-qdq export differs from the float pipeline beyond the QDQ form's rounding");
        return within;
    }
}
