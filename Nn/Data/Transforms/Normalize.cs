namespace QSparse.Nn.Data;

/// <summary>
/// torchvision's <c>Normalize</c>: each channel c becomes <c>(x - mean[c]) / std[c]</c>, computed in float32.
/// One mean and std stand for every channel.
/// </summary>
public sealed class Normalize : ITransform<HostImage, HostImage>
{
    readonly float[] mean, std;

    /// <summary>Per-channel means and standard deviations (one of each: the same for every channel).</summary>
    public Normalize(double[] mean, double[] std)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"mean and std must have the same number (at least 1) of channels, got {mean.Length} and {std.Length}", nameof(std));
        if (std.Any(s => !(s > 0)))
            throw new ArgumentOutOfRangeException(nameof(std), "every std must be > 0");
        this.mean = mean.Select(m => (float)m).ToArray();
        this.std = std.Select(s => (float)s).ToArray();
    }

    /// <summary>The same mean and std for every channel.</summary>
    public Normalize(double mean, double std) : this([mean], [std]) { }

    /// <inheritdoc/>
    public HostImage Apply(HostImage input, SampleRandom random)
    {
        if (mean.Length != 1 && mean.Length != input.Channels)
            throw new ArgumentException($"Normalize has {mean.Length} channels, the image {input.Channels}", nameof(input));
        var pixels = new float[input.Pixels.Length];
        int plane = input.Height * input.Width;
        for (int i = 0; i < pixels.Length; i++)
        {
            int c = mean.Length == 1 ? 0 : i / plane;
            pixels[i] = (input.Pixels[i] - mean[c]) / std[c];
        }
        return input with { Pixels = pixels };
    }
}
