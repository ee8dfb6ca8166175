using Google.Protobuf;
using Onnx;

namespace QSparse.Host.Export;

/// <summary>
/// An integer-only ONNX model (<see cref="OnnxIntExport"/>): int8 input at <paramref name="InputDecimal"/>, int32
/// output of <paramref name="OutputShape"/> (batch first) at <paramref name="OutputDecimal"/>: the output of the module at
/// <paramref name="OutputPath"/> (null when a functional op made it) times 2^OutputDecimal.
/// </summary>
public sealed record OnnxIntModel(ModelProto Model, int InputDecimal, int InputBits, int OutputDecimal, int[] OutputShape, string? OutputPath)
{
    /// <summary>The graph's input from float inputs, as the input quantizer makes it: trunc(x·2^d) (float32, exact), clamped to its bits.</summary>
    public sbyte[] QuantizeInput(ReadOnlySpan<float> x)
    {
        long lo = -(1L << (InputBits - 1)), hi = (1L << (InputBits - 1)) - 1;
        var q = new sbyte[x.Length];
        for (int i = 0; i < x.Length; i++)
            q[i] = (sbyte)Math.Clamp((long)MathF.Truncate(MathF.ScaleB(x[i], InputDecimal)), lo, hi);
        return q;
    }

    /// <summary>Writes the model's protobuf to <paramref name="path"/> (a temporary file renamed).</summary>
    public void Save(string path) => AtomicFile.Write(path, Model.WriteTo);
}
