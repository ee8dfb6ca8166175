namespace QSparse.Kernels;

/// <summary>
/// Where index i of one matrix axis lies in memory: (i / Inner)·OuterStride + (i % Inner)·InnerStride.
/// A plain stride is one run of unbounded length; a two-level axis is, for example, the (image, pixel)
/// axis of an activation [N, C, P] read as the columns of a [C, N·P] matrix, so the native convolutions
/// address tensors where they lie instead of permuting them into scratch.
/// </summary>
unsafe readonly struct AxisMap(int inner, long innerStride, long outerStride)
{
    public readonly int Inner = inner;
    public readonly long InnerStride = innerStride;
    public readonly long OuterStride = outerStride;

    /// <summary>Index i at offset i·stride.</summary>
    public static AxisMap Plain(long stride) => new(int.MaxValue, stride, 0);

    /// <summary>The (image, pixel) axis of [N, channels, pixels]: pixel runs of <paramref name="pixels"/>, images channels·pixels apart.</summary>
    public static AxisMap ImagePixels(int channels, int pixels) => new(pixels, 1, (long)channels * pixels);

    public long Offset(int i) => i / Inner * OuterStride + i % Inner * InnerStride;

    /// <summary>Offsets of indices start .. start + count − 1, one division for the whole run.</summary>
    public void Offsets(int start, int count, long* dst)
    {
        int outer = start / Inner, inner = start % Inner;
        long offset = outer * OuterStride + inner * InnerStride;
        for (int i = 0; i < count; i++)
        {
            dst[i] = offset;
            offset += InnerStride;
            if (++inner == Inner)
            {
                inner = 0;
                outer++;
                offset = outer * OuterStride;
            }
        }
    }
}
