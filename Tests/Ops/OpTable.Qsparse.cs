using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    static OpCase Quantize(string name, OpInput x, int bits, double[] decimals, int channelIndex, bool nearest = false) =>
        new(name, [x, In.Fixed([decimals.Length], decimals)],
            t => new LinearQuantizer(nearest ? Rounding.Nearest : Rounding.Truncate).Quantize(t[0], bits, t[1], channelIndex),
            t => HostRef.Quantize(t[0], bits, t[1], channelIndex, nearest))
        {
            // Codes times a power of two: the float result is exact, so it must equal the host's.
            Forward = new(0, 0),
            Backend = new(0, 0),
            Check = GradientCheck.HostBackward,
            Backward = (t, g) => [HostRef.QuantizeGradient(g, bits, t[1], channelIndex), null],
            Gradient = new(0, 0),
        };

    /// <summary>
    /// QSPARSE's linear quantizer: its forward exactly against the host truncation (or round-half-even)
    /// rule, saturating at both ends, per channel and per tensor; its straight-through backward, clipped.
    /// </summary>
    static IEnumerable<OpCase> Qsparse()
    {
        // 4 bits: codes in [-8, 7]; d = 5 clips both the codes and the gradient (to ±0.25).
        yield return Quantize("quantize channelwise truncate", In.Uniform([2, 3, 4], -4, 4), 4, [0, 2, 5], 1);
        yield return Quantize("quantize per tensor saturating", In.Uniform([3, 5], -20, 20), 8, [3], -1);
        yield return Quantize("quantize negative decimals", In.Uniform([2, 6], -40, 40), 4, [-2, 1], 0);
        // Multiples of 1/8 with d = 2: x·4 hits every half, so ties round to even.
        var halves = new OpInput([3, 8], InputKind.Float, (r, n) => Enumerable.Range(0, n).Select(_ => r.Next(-16, 17) / 8.0).ToArray());
        yield return Quantize("quantize round half even", halves, 4, [2, 2, 1], 0, nearest: true);
        yield return Quantize("quantize 16 bit last dim", In.Uniform([4, 3], -2, 2), 16, [10, 12, 14], 1);
    }
}
