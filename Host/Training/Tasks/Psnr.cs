namespace QSparse.Host.Training.Tasks;

/// <summary>Peak signal-to-noise ratio of images in [0, 1], as espcn-sr's calc_psnr: 10·log10(1 / MSE), per image.</summary>
public static class Psnr
{
    /// <summary>The largest PSNR reported: an image reproduced exactly (MSE 0) counts as this many dB.</summary>
    public const double Cap = 100;

    /// <summary>The sum over the batch of each image's PSNR in dB (predictions clamped to [0, 1]) and of each image's mean absolute error.</summary>
    /// <param name="prediction">[N, C, H, W].</param>
    /// <param name="target">[N, C, H, W] in [0, 1].</param>
    public static (double PsnrSum, double L1Sum) Sums(Tensor prediction, Tensor target)
    {
        var diff = prediction.Clamp(0, 1).Sub(target);
        int[] perImage = [1, 2, 3];
        var mse = diff.Mul(diff).Mean(perImage).ToArray<float>();
        var l1 = diff.Abs().Mean(perImage).ToArray<float>();
        return (mse.Sum(m => Math.Min(Cap, 10 * Math.Log10(1 / (double)m))), l1.Sum(v => (double)v));
    }
}
