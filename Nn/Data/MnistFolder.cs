namespace QSparse.Nn.Data;

/// <summary>
/// A folder holding an MNIST-style data set in its four standard IDX files (each plain or .gz):
/// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.
/// </summary>
public sealed class MnistFolder
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs Fashion-MNIST: the default data.</summary>
    public const string DefaultPath = "/usr/share/datasets/fashion-mnist";

    /// <summary>Image side the seed network takes.</summary>
    public const int ImageSize = 28;

    /// <summary>Classes of MNIST and Fashion-MNIST.</summary>
    public const int Classes = 10;

    MnistFolder(IDataset<LabeledImage> train, IDataset<LabeledImage> test, DatasetStats stats)
    {
        Train = train;
        Test = test;
        Stats = stats;
    }

    /// <summary>The 60,000 training examples (or however many the folder holds): 1x28x28 images, pixels b/255 in [0, 1].</summary>
    public IDataset<LabeledImage> Train { get; }

    /// <summary>The 10,000 test examples, as <see cref="Train"/>.</summary>
    public IDataset<LabeledImage> Test { get; }

    /// <summary>The data set whose mean and standard deviation the images are to be normalised with.</summary>
    public DatasetStats Stats { get; }

    /// <summary>The seed's normalisation with <see cref="Stats"/> (<see cref="NormalizeBytes"/>), for <see cref="Transform.Images"/>.</summary>
    public NormalizeBytes Normalization => new(Stats.Mean, Stats.Std);

    /// <summary>
    /// Reads <paramref name="folder"/> into host memory; <see cref="Stats"/> is <paramref name="dataset"/>'s
    /// ("auto": the known data set whose mean pixel is nearest the training images'). A missing or malformed
    /// file is an error naming it.
    /// </summary>
    public static MnistFolder Load(string folder, string dataset = "auto")
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"{folder}: no such data folder (expected the four MNIST-style IDX files; on Debian/Ubuntu: apt-get install dataset-fashion-mnist)");
        var (trainImages, trainLabels) = ReadSplit(folder, "train");
        var (testImages, testLabels) = ReadSplit(folder, "t10k");
        var stats = dataset.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? DatasetStats.Nearest(trainImages.Length == 0 ? 0 : trainImages.Average(b => (double)b) / 255)
            : DatasetStats.Parse(dataset);
        return new MnistFolder(Examples(trainImages, trainLabels), Examples(testImages, testLabels), stats);
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

    static ByteImages Examples(byte[] images, byte[] labels) =>
        new(images, [.. labels.Select(l => (int)l)], 0, ImageSize * ImageSize, 1, ImageSize, ImageSize);
}
