namespace QSparse.Nn.Data;

/// <summary>
/// The edges-to-image pair of pix2pix's edges2* data sets: (edges, image), where edges is, per channel, the
/// Sobel gradient magnitude <c>sqrt(gx^2 + gy^2)</c> of the image clamped to [0, 1], with
/// gx = [-1 0 1; -2 0 2; -1 0 1] and gy its transpose, the border pixels repeated outside the image (so a flat
/// image, border included, has no edges). Computed in float32; on pixels in [0, 1] an unclamped magnitude can
/// reach 4 sqrt(2), so a step of 1/4 or more across a row saturates.
/// </summary>
public sealed class EdgeMap : ITransform<HostImage, ImagePair>
{
    /// <inheritdoc/>
    public ImagePair Apply(HostImage input, SampleRandom random)
    {
        int h = input.Height, w = input.Width;
        var edges = new float[input.Pixels.Length];
        for (int c = 0; c < input.Channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float At(int dy, int dx) => input[c, Math.Clamp(y + dy, 0, h - 1), Math.Clamp(x + dx, 0, w - 1)];
                    float gx = At(-1, 1) + 2 * At(0, 1) + At(1, 1) - At(-1, -1) - 2 * At(0, -1) - At(1, -1);
                    float gy = At(1, -1) + 2 * At(1, 0) + At(1, 1) - At(-1, -1) - 2 * At(-1, 0) - At(-1, 1);
                    edges[(c * h + y) * w + x] = Math.Min(MathF.Sqrt(gx * gx + gy * gy), 1f);
                }
        return new ImagePair(input with { Pixels = edges }, input);
    }
}
