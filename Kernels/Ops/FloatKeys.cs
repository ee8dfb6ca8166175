using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Floats as order-preserving unsigned keys: flip every bit of negatives, set the sign bit of
/// positives, so -inf &lt; ... &lt; -0 &lt; +0 &lt; ... &lt; +inf compare as unsigned integers.
/// NOTE: every NaN maps to the largest key, so NaNs sort last (as torch.sort).
/// </summary>
public readonly struct FloatKeys(ArrayView<float> values) : ISelectKeys
{
    readonly ArrayView<float> values = values;

    public uint Key(int i) => ToKey(values[i]);

    public static uint ToKey(float f)
    {
        uint u = Interop.FloatAsInt(f);
        if (float.IsNaN(f))
            return 0xFFFFFFFFu;
        return (u & 0x80000000u) != 0 ? ~u : u | 0x80000000u;
    }

    public static float FromKey(uint key) => Interop.IntAsFloat((key & 0x80000000u) != 0 ? key & 0x7FFFFFFFu : ~key);
}
