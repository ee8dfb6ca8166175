namespace QSparse.Host.Export;

/// <summary>
/// How an ONNX Runtime output agrees with the float pipeline's on the same images: the outputs compared, the largest
/// absolute difference, how many differ, and for classifier logits [N, K] the fraction of images whose top-1 class
/// (the first largest logit) is the same.
/// </summary>
public sealed record OnnxAgreement(int Images, int Elements, double MaxDiff, int Differing, double? Top1)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>, both flattened from <paramref name="shape"/> [N, ...].</summary>
    public static OnnxAgreement Of(string file, IReadOnlyList<double> actual, IReadOnlyList<double> expected, int[] shape)
    {
        if (actual.Count != expected.Count)
            throw new InvalidOperationException($"{file}: its output has {actual.Count} values where the checkpoint's network gives {expected.Count}: not an export of this checkpoint");
        double max = 0;
        int differing = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            max = Math.Max(max, d);
            differing += d != 0 ? 1 : 0;
        }
        int images = shape[0];
        double? top1 = null;
        if (shape.Length == 2 && shape[1] > 1)
        {
            int k = shape[1];
            int ArgMax(IReadOnlyList<double> v, int row) => Enumerable.Range(row * k, k).MaxBy(i => v[i]) - row * k;
            top1 = Enumerable.Range(0, images).Count(r => ArgMax(actual, r) == ArgMax(expected, r)) / (double)images;
        }
        return new OnnxAgreement(images, actual.Count, max, differing, top1);
    }

    /// <summary>One line: "max difference 0.0625, 31 of 2560 differ (1.21 %), top-1 agreement 99.61 %".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"max difference {MaxDiff:G6}, {Differing} of {Elements} differ ({100.0 * Differing / Elements:0.##} %)") +
        (Top1 is { } t ? FormattableString.Invariant($", top-1 agreement {100 * t:0.##} %") : "");
}
