namespace QSparse.Nn.Data;

/// <summary>
/// The super-resolution pair of an image: (low, high) where low is the image shrunk <c>factor</c> times, each
/// low pixel the average of a <c>factor</c> x <c>factor</c> block (a box filter, OpenCV's INTER_AREA and PIL's
/// BOX for integer factors), and high the image itself. The box filter is chosen because it is exact
/// averaging (every high pixel weighs the same in exactly one low pixel, no ringing or overshoot beyond
/// [min, max]) and needs no resampling convention; the ESPCN reference uses PIL's bicubic, whose kernel
/// differs, so low images are smoother than its by design. Height and width must be multiples of <c>factor</c>
/// (crop first, e.g. with <see cref="RandomCrop"/>).
/// </summary>
public sealed class Downscale : ITransform<HostImage, ImagePair>
{
    readonly int factor;

    /// <param name="factor">The scale, at least 1 (the network's upscale factor).</param>
    public Downscale(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        this.factor = factor;
    }

    /// <inheritdoc/>
    public ImagePair Apply(HostImage input, SampleRandom random)
    {
        if (input.Height % factor != 0 || input.Width % factor != 0)
            throw new ArgumentException($"a {input.Height}x{input.Width} image does not divide by the downscale factor {factor}", nameof(input));
        int h = input.Height / factor, w = input.Width / factor;
        var low = new float[input.Channels * h * w];
        float weight = 1f / (factor * factor);
        for (int c = 0; c < input.Channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float sum = 0;
                    for (int dy = 0; dy < factor; dy++)
                        for (int dx = 0; dx < factor; dx++)
                            sum += input[c, y * factor + dy, x * factor + dx];
                    low[(c * h + y) * w + x] = sum * weight;
                }
        return new ImagePair(new HostImage(low, input.Channels, h, w), input);
    }
}
