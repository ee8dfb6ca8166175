namespace QSparse.Nn.Data;

/// <summary>Collation (PyTorch's default_collate): a batch of host examples as one [N, C, H, W] array or device tensor.</summary>
public static class Batch
{
    /// <summary>The images stacked in order: pixels [N, C, H, W] and that shape. Every image must have the first one's shape.</summary>
    public static (float[] Data, int[] Shape) Images(IReadOnlyList<HostImage> images)
    {
        if (images.Count == 0)
            throw new ArgumentException("an empty batch has no shape", nameof(images));
        var first = images[0];
        int size = first.Pixels.Length;
        var data = new float[images.Count * size];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if ((image.Channels, image.Height, image.Width) != (first.Channels, first.Height, first.Width) || image.Pixels.Length != size)
                throw new ArgumentException(
                    $"image {i} is {image.Channels}x{image.Height}x{image.Width}, image 0 {first.Channels}x{first.Height}x{first.Width}: a batch needs one shape", nameof(images));
            image.Pixels.CopyTo(data, i * size);
        }
        return (data, [images.Count, first.Channels, first.Height, first.Width]);
    }

    /// <summary>The images stacked into a float32 tensor [N, C, H, W] on <paramref name="device"/>.</summary>
    public static Tensor ToDevice(Device device, IReadOnlyList<HostImage> images)
    {
        var (data, shape) = Images(images);
        return Tensor.FromArray(device, data, shape);
    }

    /// <summary>The examples' labels as an int64 tensor [N] on <paramref name="device"/>.</summary>
    public static Tensor Labels(Device device, IReadOnlyList<LabeledImage> examples) =>
        Tensor.FromArray(device, examples.Select(e => (long)e.Label).ToArray(), examples.Count);
}
