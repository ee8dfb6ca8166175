namespace QSparse.Nn.Data;

/// <summary>
/// pix2pix's aligned data sets (facades, edges2shoes, maps): a folder of images each holding the pair side by
/// side, A on the left half and B on the right, as the reference's AlignedDataset reads them (AtoB: A is the input).
/// </summary>
public static class PairedImageFolder
{
    /// <summary>
    /// The pairs of <paramref name="folder"/> (read as <see cref="ImageFolder.Load"/> does; an odd width is an error
    /// naming the first file): Input the left half, Target the right, each <paramref name="channels"/> channels;
    /// <paramref name="bToA"/> swaps them.
    /// </summary>
    public static IDataset<ImagePair> Load(string folder, int channels, bool bToA = false)
    {
        var images = ImageFolder.Load(folder, channels);
        var (width, _) = ImageFile.Size(images.Paths[0]);
        if (width % 2 != 0)
            throw new InvalidDataException($"{images.Paths[0]}: {width} pixels wide, expected an even width (A and B side by side)");
        return Transform.Map(images, (HostImage ab) =>
        {
            int half = ab.Width / 2;
            HostImage a = Crop.Window(ab, 0, 0, ab.Height, half), b = Crop.Window(ab, 0, half, ab.Height, half);
            return bToA ? new ImagePair(b, a) : new ImagePair(a, b);
        });
    }
}
