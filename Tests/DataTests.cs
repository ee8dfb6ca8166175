using QSparse.Host.Data;

namespace QSparse.Tests;

/// <summary>The IDX reader and the data folder: formats, normalisation, errors that name the file, batch gathers.</summary>
public class DataTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void ReadsPlainAndGzipFilesAlike()
    {
        var dir = Directory.CreateTempSubdirectory("qsparse-idx-").FullName;
        byte[] data = [1, 2, 3, 4, 5, 6];
        SyntheticIdx.Write(Path.Combine(dir, "a"), [2, 3], data);
        SyntheticIdx.Write(Path.Combine(dir, "b.gz"), [2, 3], data, gzip: true);
        foreach (var name in new[] { "a", "b.gz" })
        {
            var (shape, bytes) = IdxFile.Read(Path.Combine(dir, name), 2);
            Assert.That(shape, Is.EqualTo(new[] { 2, 3 }));
            Assert.That(bytes, Is.EqualTo(data));
        }
    }

    [Test]
    public void MalformedFilesAreErrorsNamingTheFileAndTheExpectation()
    {
        var dir = Directory.CreateTempSubdirectory("qsparse-idx-").FullName;
        var wrongMagic = Path.Combine(dir, "magic");
        SyntheticIdx.Write(wrongMagic, [2], [1, 2], magic: 0x0D01);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(wrongMagic, 1))!;
        Assert.That(e.Message, Does.Contain(wrongMagic).And.Contain("expected 0x00000801"));
        var truncated = Path.Combine(dir, "short");
        SyntheticIdx.Write(truncated, [5], [1, 2]);
        e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(truncated, 1))!;
        Assert.That(e.Message, Does.Contain(truncated).And.Contain("expected 5"));
    }

    [Test]
    public void MissingFileIsNamed()
    {
        var folder = SyntheticIdx.Folder(4, 2);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        var e = Assert.Throws<FileNotFoundException>(() => MnistFolder.Load(Device, folder))!;
        Assert.That(e.Message, Does.Contain("t10k-labels-idx1-ubyte[.gz]"));
    }

    [Test]
    public void NormalisesAndGathersBatchesOnTheDevice()
    {
        var folder = SyntheticIdx.Folder(6, 3);
        using var data = MnistFolder.Load(Device, folder, "mnist");
        Assert.That(data.Stats, Is.EqualTo(DatasetStats.Mnist));
        Assert.That(data.Train.Images.Shape, Is.EqualTo(new[] { 6, 1, 28, 28 }));
        var (_, raw) = IdxFile.Read(Path.Combine(folder, "train-images-idx3-ubyte.gz"), 3);
        var (_, labels) = IdxFile.Read(Path.Combine(folder, "train-labels-idx1-ubyte"), 1);
        var (x, y) = data.Train.Batch([4, 1]);
        var pixels = x.ToArray<float>();
        Assert.That(pixels[5], Is.EqualTo((float)((raw[4 * 784 + 5] / 255.0 - 0.1307) / 0.3081)).Within(1e-5));
        Assert.That(pixels[784 + 7], Is.EqualTo((float)((raw[784 + 7] / 255.0 - 0.1307) / 0.3081)).Within(1e-5));
        Assert.That(y.ToArray<long>(), Is.EqualTo(new long[] { labels[4], labels[1] }));
    }

    [Test]
    public void EpochOrderDependsOnlyOnSeedAndEpoch()
    {
        var a = BatchOrder.Permutation(7, 3, 100);
        Assert.That(a, Is.EqualTo(BatchOrder.Permutation(7, 3, 100)));
        Assert.That(a.Order(), Is.EqualTo(Enumerable.Range(0, 100)));
        Assert.That(a, Is.Not.EqualTo(BatchOrder.Permutation(7, 4, 100)));
    }
}
