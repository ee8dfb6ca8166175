namespace QSparse.Nn.Data;

/// <summary>
/// The seed's normalisation of 8-bit images (pixels b/255, as <see cref="MnistFolder"/> reads them): each pixel
/// becomes <c>b * (1 / (255 std)) + (-mean / std)</c> in float32, the arithmetic the seed network was
/// trained with, so its numbers stay bit-identical. (<see cref="Normalize"/>'s <c>(x - mean) / std</c>
/// rounds differently in the last bit.)
/// </summary>
/// <param name="mean">The mean pixel, in [0, 1].</param>
/// <param name="std">The pixel standard deviation, in [0, 1].</param>
public sealed class NormalizeBytes(double mean, double std) : ITransform<HostImage, HostImage>
{
    readonly float scale = (float)(1 / (255 * std)), shift = (float)(-mean / std);

    /// <inheritdoc/>
    public HostImage Apply(HostImage input, SampleRandom random)
    {
        var pixels = new float[input.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            // NOTE: b/255 in float32 is within 2^-24 relative of b, so rounding 255 x recovers the byte exactly.
            float b = MathF.Round(input.Pixels[i] * 255);
            pixels[i] = b * scale + shift;
        }
        return input with { Pixels = pixels };
    }
}
