namespace QSparse.Nn.Data;

/// <summary>
/// CIFAR-10 or CIFAR-100 in the "binary version" of the data sets' page: fixed-size records of the label
/// byte(s) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32x32 row by row), which is CHW.
/// CIFAR-10: data_batch_1.bin..data_batch_5.bin and test_batch.bin, one label byte per record; CIFAR-100:
/// train.bin and test.bin, a coarse then a fine label byte (the fine label, 0..99, is the class).
/// </summary>
public sealed class CifarBinary
{
    /// <summary>Image side.</summary>
    public const int ImageSize = 32;

    const int PixelBytes = 3 * ImageSize * ImageSize;

    CifarBinary(IDataset<LabeledImage> train, IDataset<LabeledImage> test, int classes)
    {
        Train = train;
        Test = test;
        Classes = classes;
    }

    /// <summary>The training examples (50,000): 3x32x32 images, pixels b/255 in [0, 1].</summary>
    public IDataset<LabeledImage> Train { get; }

    /// <summary>The test examples (10,000), as <see cref="Train"/>.</summary>
    public IDataset<LabeledImage> Test { get; }

    /// <summary>10 or 100, from the files present.</summary>
    public int Classes { get; }

    /// <summary>
    /// Reads <paramref name="folder"/> (e.g. cifar-10-batches-bin or cifar-100-binary) into host memory. A folder
    /// with neither file set, a missing batch, or a file that is not whole records with labels in range is an
    /// error naming it.
    /// </summary>
    public static CifarBinary Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{folder}: no such data folder (expected CIFAR-10 or CIFAR-100 binary batches)");
        string[] cifar10 = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")];
        if (File.Exists(Path.Combine(folder, cifar10[0])))
            return new CifarBinary(Read(folder, cifar10, 1, 10), Read(folder, ["test_batch.bin"], 1, 10), 10);
        if (File.Exists(Path.Combine(folder, "train.bin")))
            return new CifarBinary(Read(folder, ["train.bin"], 2, 100), Read(folder, ["test.bin"], 2, 100), 100);
        throw new FileNotFoundException(
            $"{folder}: no CIFAR binary batches (expected data_batch_1..5.bin and test_batch.bin for CIFAR-10, or train.bin and test.bin for CIFAR-100)");
    }

    static ByteImages Read(string folder, string[] names, int labelBytes, int classes)
    {
        int record = labelBytes + PixelBytes;
        var files = new List<byte[]>();
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path}: missing (expected a CIFAR-{classes} binary batch)");
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new InvalidDataException(
                    $"{path}: {bytes.Length} bytes, expected a whole number of {record}-byte CIFAR-{classes} records ({labelBytes} label byte(s) + {PixelBytes} pixels)");
            for (int offset = 0; offset < bytes.Length; offset += record)
            {
                // NOTE: CIFAR-100's first label byte is the coarse (20-class) label; the fine one is the class.
                int label = bytes[offset + labelBytes - 1];
                if (label >= classes)
                    throw new InvalidDataException($"{path}: label {label} in record {offset / record}, expected a class in 0..{classes - 1}");
            }
            files.Add(bytes);
        }
        var all = new byte[files.Sum(f => (long)f.Length)];
        long at = 0;
        foreach (var file in files)
        {
            file.CopyTo(all, at);
            at += file.Length;
        }
        var labels = Enumerable.Range(0, all.Length / record).Select(n => (int)all[n * record + labelBytes - 1]).ToArray();
        return new ByteImages(all, labels, labelBytes, record, 3, ImageSize, ImageSize);
    }
}
