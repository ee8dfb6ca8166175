namespace QSparse.Nn.Data;

/// <summary>torchvision's <c>RandomHorizontalFlip(p)</c>: mirrors the columns when the example's next uniform double is below <c>p</c>.</summary>
public sealed class RandomHorizontalFlip : ITransform<HostImage, HostImage>
{
    readonly double p;

    /// <param name="p">The probability of a flip, in [0, 1].</param>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), $"must be in [0, 1], got {p}");
        this.p = p;
    }

    /// <inheritdoc/>
    public HostImage Apply(HostImage input, SampleRandom random)
    {
        if (!(random.NextDouble() < p))
            return input;
        var output = new float[input.Pixels.Length];
        int w = input.Width;
        for (int row = 0; row < input.Channels * input.Height; row++)
            for (int x = 0; x < w; x++)
                output[row * w + x] = input.Pixels[row * w + w - 1 - x];
        return input with { Pixels = output };
    }
}
