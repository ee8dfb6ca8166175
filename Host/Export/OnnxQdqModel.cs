using Google.Protobuf;
using Onnx;

namespace QSparse.Host.Export;

/// <summary>
/// A QuantizeLinear/DequantizeLinear ONNX model (<see cref="OnnxQdqExport"/>): float32 input, float32 output of
/// <paramref name="OutputShape"/> (batch first), the output of the module at <paramref name="OutputPath"/> (null when a
/// functional op made it); <paramref name="Quantizers"/> are the paths of the activation quantizers it made
/// QuantizeLinear/DequantizeLinear pairs of (which round to nearest even), <paramref name="Biases"/> the paths of the
/// bias quantizers whose biases it stores as int32 at the product's scale, with the decimal of each output channel
/// (rounded to nearest even there).
/// </summary>
public sealed record OnnxQdqModel(ModelProto Model, int[] OutputShape, string? OutputPath, IReadOnlyList<string> Quantizers, IReadOnlyDictionary<string, int[]> Biases)
{
    /// <summary>Writes the model's protobuf to <paramref name="path"/> (a temporary file renamed).</summary>
    public void Save(string path) => AtomicFile.Write(path, Model.WriteTo);
}
