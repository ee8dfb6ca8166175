using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>The MNIST folder on the host: pixels b/255, the seed's normalisation bit for bit, missing files named.</summary>
public class MnistFolderTests
{
    [Test]
    public void MissingFileIsNamed()
    {
        var folder = SyntheticIdx.Folder(4, 2);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        var e = Assert.Throws<FileNotFoundException>(() => MnistFolder.Load(folder))!;
        Assert.That(e.Message, Does.Contain("t10k-labels-idx1-ubyte[.gz]"));
    }

    [Test]
    public void ReadsPixelsOver255AndTheSeedNormalisationIsBitIdentical()
    {
        var folder = SyntheticIdx.Folder(6, 3);
        var data = MnistFolder.Load(folder, "mnist");
        Assert.That(data.Stats, Is.EqualTo(DatasetStats.Mnist));
        Assert.That((data.Train.Count, data.Test.Count), Is.EqualTo((6, 3)));
        var (_, raw) = IdxFile.Read(Path.Combine(folder, "train-images-idx3-ubyte.gz"), 3);
        var (_, labels) = IdxFile.Read(Path.Combine(folder, "train-labels-idx1-ubyte"), 1);
        var example = data.Train[4];
        Assert.That((example.Image.Channels, example.Image.Height, example.Image.Width, example.Label), Is.EqualTo((1, 28, 28, (int)labels[4])));
        Assert.That(example.Image.Pixels, Is.EqualTo(raw[(4 * 784)..(5 * 784)].Select(b => b / 255f)));
        // The seed's float32 arithmetic, as the device-resident data set computed it before the data pipeline.
        float scale = (float)(1 / (255 * 0.3081)), shift = (float)(-0.1307 / 0.3081);
        var normalised = Transform.Images(data.Train, data.Normalization)[4].Image.Pixels;
        Assert.That(normalised.Select(BitConverter.SingleToInt32Bits),
            Is.EqualTo(raw[(4 * 784)..(5 * 784)].Select(b => BitConverter.SingleToInt32Bits(b * scale + shift))));
    }

    [Test]
    public void NormalizeBytesRecoversEveryByteExactly()
    {
        var pixels = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();
        var output = new NormalizeBytes(0.5, 0.25).Apply(new HostImage(pixels, 1, 16, 16), new SampleRandom(0, 0, 0)).Pixels;
        float scale = (float)(1 / (255 * 0.25)), shift = (float)(-0.5 / 0.25);
        Assert.That(output, Is.EqualTo(Enumerable.Range(0, 256).Select(b => b * scale + shift)));
    }
}
