namespace QSparse.Nn.Data;

/// <summary>
/// Labelled 8-bit images kept as the file's bytes (a quarter of the memory of float pixels) and turned into
/// <see cref="HostImage"/>s of pixels b/255 when read. Image n's C*H*W bytes start at <c>start + n * stride</c>.
/// </summary>
sealed class ByteImages(byte[] bytes, int[] labels, int start, int stride, int channels, int height, int width) : IDataset<LabeledImage>
{
    public int Count => labels.Length;

    public LabeledImage this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var pixels = new float[channels * height * width];
            int offset = start + index * stride;
            for (int i = 0; i < pixels.Length; i++)
                pixels[i] = bytes[offset + i] / 255f;
            return new LabeledImage(new HostImage(pixels, channels, height, width), labels[index]);
        }
    }
}
