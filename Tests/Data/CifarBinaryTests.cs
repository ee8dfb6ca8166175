using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>CIFAR-10 and CIFAR-100 binary batches written by the test: records, labels, layout, errors naming the file.</summary>
public class CifarBinaryTests
{
    const int Pixels = 3072;

    /// <summary>A batch of <paramref name="labels"/>.Length records; record r's pixel i is (r + i) mod 256.</summary>
    static void WriteBatch(string path, byte[][] labels)
    {
        var bytes = new List<byte>();
        for (int r = 0; r < labels.Length; r++)
        {
            bytes.AddRange(labels[r]);
            bytes.AddRange(Enumerable.Range(0, Pixels).Select(i => (byte)(r + i)));
        }
        File.WriteAllBytes(path, [.. bytes]);
    }

    static string Cifar10Folder()
    {
        var folder = Directory.CreateTempSubdirectory("qsparse-cifar10-").FullName;
        for (int b = 1; b <= 5; b++)
            WriteBatch(Path.Combine(folder, $"data_batch_{b}.bin"), [[(byte)b], [(byte)(b + 4)]]);
        WriteBatch(Path.Combine(folder, "test_batch.bin"), [[9]]);
        return folder;
    }

    [Test]
    public void ReadsCifar10Batches()
    {
        var data = CifarBinary.Load(Cifar10Folder());
        Assert.That((data.Classes, data.Train.Count, data.Test.Count), Is.EqualTo((10, 10, 1)));
        Assert.That(Enumerable.Range(0, 10).Select(i => data.Train[i].Label), Is.EqualTo(new[] { 1, 5, 2, 6, 3, 7, 4, 8, 5, 9 }));
        var image = data.Train[3].Image;
        Assert.That((image.Channels, image.Height, image.Width), Is.EqualTo((3, 32, 32)));
        // Record 1 of its batch: red plane first, row by row; pixel i is (1 + i) mod 256, over 255.
        Assert.That(image[0, 0, 0], Is.EqualTo(1 / 255f));
        Assert.That(image[1, 0, 5], Is.EqualTo((1 + 1024 + 5) % 256 / 255f));
        Assert.That(image[2, 31, 31], Is.EqualTo((1 + 3071) % 256 / 255f));
        Assert.That(data.Test[0].Label, Is.EqualTo(9));
    }

    [Test]
    public void ReadsCifar100FineLabels()
    {
        var folder = Directory.CreateTempSubdirectory("qsparse-cifar100-").FullName;
        WriteBatch(Path.Combine(folder, "train.bin"), [[3, 77], [19, 99], [0, 0]]);
        WriteBatch(Path.Combine(folder, "test.bin"), [[4, 42]]);
        var data = CifarBinary.Load(folder);
        Assert.That((data.Classes, data.Train.Count, data.Test.Count), Is.EqualTo((100, 3, 1)));
        Assert.That(Enumerable.Range(0, 3).Select(i => data.Train[i].Label), Is.EqualTo(new[] { 77, 99, 0 }));
        Assert.That(data.Test[0].Label, Is.EqualTo(42));
        Assert.That(data.Train[2].Image[0, 0, 1], Is.EqualTo(3 / 255f));
    }

    [Test]
    public void BadBatchesAreErrorsNamingTheFile()
    {
        var folder = Cifar10Folder();
        var batch = Path.Combine(folder, "data_batch_3.bin");
        File.WriteAllBytes(batch, File.ReadAllBytes(batch)[..^1]);
        var e = Assert.Throws<InvalidDataException>(() => CifarBinary.Load(folder))!;
        Assert.That(e.Message, Does.Contain(batch).And.Contain("3073-byte"));

        // A CIFAR-100 record (2 label bytes) in a CIFAR-10 batch is the wrong record size.
        WriteBatch(batch, [[1, 2]]);
        e = Assert.Throws<InvalidDataException>(() => CifarBinary.Load(folder))!;
        Assert.That(e.Message, Does.Contain(batch));

        WriteBatch(batch, [[10]]);
        e = Assert.Throws<InvalidDataException>(() => CifarBinary.Load(folder))!;
        Assert.That(e.Message, Does.Contain(batch).And.Contain("label 10"));

        File.Delete(batch);
        var missing = Assert.Throws<FileNotFoundException>(() => CifarBinary.Load(folder))!;
        Assert.That(missing.Message, Does.Contain(batch));

        var empty = Directory.CreateTempSubdirectory("qsparse-cifar-").FullName;
        missing = Assert.Throws<FileNotFoundException>(() => CifarBinary.Load(empty))!;
        Assert.That(missing.Message, Does.Contain(empty).And.Contain("data_batch_1..5.bin"));
    }
}
