using QSparse.Nn;

namespace QSparse.Host.Data;

/// <summary>
/// A folder holding an MNIST-style data set in its four standard IDX files (each plain or .gz):
/// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.
/// </summary>
public sealed class MnistFolder : IDisposable
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs Fashion-MNIST: the default data.</summary>
    public const string DefaultPath = "/usr/share/datasets/fashion-mnist";

    /// <summary>Image side the seed network takes.</summary>
    public const int ImageSize = 28;

    /// <summary>Classes of MNIST and Fashion-MNIST.</summary>
    public const int Classes = 10;

    MnistFolder(ImageDataset train, ImageDataset test, DatasetStats stats)
    {
        Train = train;
        Test = test;
        Stats = stats;
    }

    /// <summary>The 60,000 training examples (or however many the folder holds).</summary>
    public ImageDataset Train { get; }

    /// <summary>The 10,000 test examples.</summary>
    public ImageDataset Test { get; }

    /// <summary>The data set the normalisation was taken from.</summary>
    public DatasetStats Stats { get; }

    /// <summary>
    /// Reads <paramref name="folder"/> and uploads both splits to <paramref name="device"/>, normalised
    /// with <paramref name="dataset"/>'s mean and standard deviation ("auto": the known data set whose
    /// mean pixel is nearest the training images'). A missing or malformed file is an error naming it.
    /// </summary>
    public static MnistFolder Load(Device device, string folder, string dataset = "auto")
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"{folder}: no such data folder (expected the four MNIST-style IDX files; on Debian/Ubuntu: apt-get install dataset-fashion-mnist)");
        var (trainImages, trainLabels) = ReadSplit(folder, "train");
        var (testImages, testLabels) = ReadSplit(folder, "t10k");
        var stats = dataset.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? DatasetStats.Nearest(trainImages.Length == 0 ? 0 : trainImages.Average(b => (double)b) / 255)
            : DatasetStats.Parse(dataset);
        ImageDataset? train = null;
        try
        {
            train = Upload(device, trainImages, trainLabels, stats);
            return new MnistFolder(train, Upload(device, testImages, testLabels, stats), stats);
        }
        catch
        {
            train?.Dispose();
            throw;
        }
    }

    static (byte[] Images, byte[] Labels) ReadSplit(string folder, string split)
    {
        string imagesPath = Find(folder, $"{split}-images-idx3-ubyte"), labelsPath = Find(folder, $"{split}-labels-idx1-ubyte");
        var (imageShape, images) = IdxFile.Read(imagesPath, 3);
        var (labelShape, labels) = IdxFile.Read(labelsPath, 1);
        if (imageShape[1] != ImageSize || imageShape[2] != ImageSize)
            throw new InvalidDataException($"{imagesPath}: images of {imageShape[1]}x{imageShape[2]} pixels, expected {ImageSize}x{ImageSize}");
        if (labelShape[0] != imageShape[0])
            throw new InvalidDataException($"{labelsPath}: {labelShape[0]} labels, expected {imageShape[0]} (one per image of {imagesPath})");
        int bad = Array.FindIndex(labels, l => l >= Classes);
        if (bad >= 0)
            throw new InvalidDataException($"{labelsPath}: label {labels[bad]} at index {bad}, expected a class in 0..{Classes - 1}");
        return (images, labels);
    }

    static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException($"{Path.Combine(folder, name)}[.gz]: missing (expected an IDX file of unsigned bytes)");
    }

    // NOTE: normalised once on the host at load time; the training loop only gathers batches on the device.
    static ImageDataset Upload(Device device, byte[] images, byte[] labels, DatasetStats stats)
    {
        var pixels = new float[images.Length];
        float scale = (float)(1 / (255 * stats.Std)), shift = (float)(-stats.Mean / stats.Std);
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = images[i] * scale + shift;
        var x = Tensor.FromArray(device, pixels, labels.Length, 1, ImageSize, ImageSize);
        try
        {
            return new ImageDataset(x, Tensor.FromArray(device, labels.Select(l => (long)l).ToArray(), labels.Length));
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>Releases both splits' device memory.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
