namespace QSparse.Kernels;

/// <summary>An element-wise conversion between dtypes; one generic kernel serves them all.</summary>
public interface IConvertOp<TIn, TOut>
{
    TOut Apply(TIn x);
}

/// <summary>The conversions between QSparse's dtypes (bool is a byte 0/1).</summary>
public static class ConvertOps
{
    public readonly struct FloatToBool : IConvertOp<float, byte> { public byte Apply(float x) => x != 0f ? (byte)1 : (byte)0; }
    public readonly struct BoolToFloat : IConvertOp<byte, float> { public float Apply(byte x) => x; }
    // NOTE: float → integer truncates toward zero, like C#'s (int) cast and torch's .int().
    public readonly struct FloatToInt : IConvertOp<float, int> { public int Apply(float x) => (int)x; }
    public readonly struct IntToFloat : IConvertOp<int, float> { public float Apply(int x) => x; }
    public readonly struct FloatToLong : IConvertOp<float, long> { public long Apply(float x) => (long)x; }
    public readonly struct LongToFloat : IConvertOp<long, float> { public float Apply(long x) => x; }
}
