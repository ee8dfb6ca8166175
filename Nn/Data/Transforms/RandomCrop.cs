namespace QSparse.Nn.Data;

/// <summary>
/// torchvision's <c>RandomCrop(size, padding)</c>: zero-pads by <c>padding</c>, then cuts a <c>size</c> x <c>size</c>
/// window at a random offset: the top row drawn first, then the left column, each uniform over the positions that fit.
/// </summary>
public sealed class RandomCrop : ITransform<HostImage, HostImage>
{
    readonly int size, padding;

    /// <param name="size">The side of the crop, at least 1.</param>
    /// <param name="padding">Zeros added on each side first, at least 0.</param>
    public RandomCrop(int size, int padding = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        this.size = size;
        this.padding = padding;
    }

    /// <inheritdoc/>
    public HostImage Apply(HostImage input, SampleRandom random)
    {
        var padded = Pad.Apply(input, padding);
        if (padded.Height < size || padded.Width < size)
            throw new ArgumentException($"a {padded.Height}x{padded.Width} image (padded) is smaller than the crop size {size}", nameof(input));
        int top = random.Next(padded.Height - size + 1), left = random.Next(padded.Width - size + 1);
        return Crop.Window(padded, top, left, size, size);
    }
}
