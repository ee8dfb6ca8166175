namespace QSparse.Nn.Data;

/// <summary>
/// A folder of PNG and JPEG images of one size (its files ending .png, .jpg or .jpeg, any case), in ordinal
/// order of file name; each image is decoded when it is read.
/// </summary>
public sealed class ImageFolder : IDataset<HostImage>
{
    readonly string[] paths;
    readonly int channels;

    ImageFolder(string[] paths, int channels)
    {
        this.paths = paths;
        this.channels = channels;
    }

    /// <summary>The image files, in order.</summary>
    public IReadOnlyList<string> Paths => paths;

    /// <inheritdoc/>
    public int Count => paths.Length;

    /// <summary>The image at <paramref name="index"/>, pixels b/255 (see <see cref="Load"/>).</summary>
    public HostImage this[int index] => ImageFile.Read(paths[index], channels);

    /// <summary>
    /// The images of <paramref name="folder"/> with <paramref name="channels"/> channels (1: grey as PIL's
    /// <c>convert("L")</c>; 3: RGB). Every file's header is read here: an empty folder, a file that is not a
    /// decodable image, or one whose size differs from the first's is an error naming it.
    /// </summary>
    public static ImageFolder Load(string folder, int channels)
    {
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), $"must be 1 (grey) or 3 (RGB), got {channels}");
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{folder}: no such image folder");
        var paths = Directory.GetFiles(folder)
            .Where(p => ImageFile.Extensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (paths.Length == 0)
            throw new InvalidDataException($"{folder}: no images (expected files ending {string.Join(", ", ImageFile.Extensions)})");
        var first = ImageFile.Size(paths[0]);
        foreach (var path in paths.Skip(1))
        {
            var size = ImageFile.Size(path);
            if (size != first)
                throw new InvalidDataException($"{path}: a {size.Width}x{size.Height} image, expected {first.Width}x{first.Height} like {paths[0]}");
        }
        return new ImageFolder(paths, channels);
    }
}
