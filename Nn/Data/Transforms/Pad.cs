namespace QSparse.Nn.Data;

/// <summary>torchvision's <c>Pad(pixels)</c>: <c>pixels</c> zero rows and columns on every side.</summary>
public sealed class Pad : ITransform<HostImage, HostImage>
{
    readonly int pixels;

    /// <param name="pixels">Padding on each side, at least 0.</param>
    public Pad(int pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixels);
        this.pixels = pixels;
    }

    /// <inheritdoc/>
    public HostImage Apply(HostImage input, SampleRandom random) => Apply(input, pixels);

    /// <summary><paramref name="input"/> with <paramref name="pixels"/> zeros on each side.</summary>
    internal static HostImage Apply(HostImage input, int pixels)
    {
        if (pixels == 0)
            return input;
        int h = input.Height + 2 * pixels, w = input.Width + 2 * pixels;
        var output = new float[input.Channels * h * w];
        for (int c = 0; c < input.Channels; c++)
            for (int y = 0; y < input.Height; y++)
                Array.Copy(input.Pixels, (c * input.Height + y) * input.Width, output, (c * h + y + pixels) * w + pixels, input.Width);
        return new HostImage(output, input.Channels, h, w);
    }
}
