using QSparse.Host.Training;
using QSparse.Nn;
using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>
/// The data each model trains on, from generated folders: Fashion-MNIST-style IDX padded to 32×32 for the CIFAR networks,
/// CIFAR binary batches, super-resolution pairs (box-filtered low resolution, 27×27 at ×3), pix2pix edge maps and A|B
/// PNG pairs in [-1, 1].
/// </summary>
public class TaskDataSourceTests(string kind) : DeviceTest(kind)
{
    static TrainOptions Options(ModelKind model, int scale = 2) =>
        new() { Model = model, Scale = scale, BatchSize = 2, EvalBatchSize = 3, Seed = 1 };

    static byte[] RawTestImage(string folder, int index)
    {
        var (_, bytes) = IdxFile.Read(Path.Combine(folder, "t10k-images-idx3-ubyte"), 3);
        return bytes[(index * 784)..((index + 1) * 784)];
    }

    [Test]
    public void CifarNetworksGetFashionMnistPaddedTo32AndCifarBatchesAsTheyAre()
    {
        var idx = SyntheticIdx.Folder(4, 3);
        var padded = TaskDataSource.Load(Device, Options(ModelKind.Resnet20), idx, "fashion-mnist");
        Assert.That((padded.Channels, padded.Classes, padded.TrainCount, padded.StepsPerEpoch), Is.EqualTo((1, 10, 4, 2)));
        Assert.That(padded.Description, Does.EndWith(", padded to 32x32"));
        var (x, y) = padded.TestBatches().First();
        Assert.That((x.Shape, y.Shape), Is.EqualTo((new[] { 3, 1, 32, 32 }, new[] { 3 })));
        var pixels = x.ToArray<float>();
        var stats = DatasetStats.FashionMnist;
        float Normalised(byte b) => b * (float)(1 / (255 * stats.Std)) + (float)(-stats.Mean / stats.Std);
        Assert.That(pixels[0], Is.EqualTo(Normalised(0)), "the padding is black");
        Assert.That(pixels[2 * 32 + 2], Is.EqualTo(Normalised(RawTestImage(idx, 0)[0])), "the image starts at (2, 2)");

        var cifar = TaskDataSource.Load(Device, Options(ModelKind.Mobilenetv2), GeneratedData.Cifar(2, 3), "auto");
        Assert.That((cifar.Channels, cifar.Classes, cifar.TrainTotal, cifar.TestCount), Is.EqualTo((3, 10, 10, 3)));
        var (images, labels) = cifar.TrainBatches(0).First();
        Assert.That((images.Shape, labels.Shape), Is.EqualTo((new[] { 2, 3, 32, 32 }, new[] { 2 })));
        Assert.That(() => TaskDataSource.Load(Device, Options(ModelKind.Mnist), GeneratedData.Cifar(1, 1), "auto").TrainBatches(0).First(),
            Throws.ArgumentException.With.Message.Contains("--model mnist takes 28x28 images"));
    }

    [Test]
    public void SuperResolutionPairsAreTheImageAndItsBoxFilteredDownscale()
    {
        var idx = SyntheticIdx.Folder(2, 2);
        var raw = RawTestImage(idx, 0);
        foreach (int scale in new[] { 2, 3 })
        {
            var data = TaskDataSource.Load(Device, Options(ModelKind.Espcn, scale), idx, "auto");
            var (low, high) = data.TestBatches(1).First();
            int side = 28 / scale * scale, lowSide = side / scale;
            Assert.That((low.Shape, high.Shape), Is.EqualTo((new[] { 1, 1, lowSide, lowSide }, new[] { 1, 1, side, side })), $"x{scale}");
            var h = high.ToArray<float>();
            Assert.That(h[side + 1], Is.EqualTo(raw[28 + 1] / 255f), "the high-resolution image is the top-left window, pixels in [0, 1]");
            float box = 0;
            for (int dy = 0; dy < scale; dy++)
                for (int dx = 0; dx < scale; dx++)
                    box += raw[dy * 28 + dx] / 255f;
            Assert.That(low.ToArray<float>()[0], Is.EqualTo(box / (scale * scale)).Within(1e-6), $"x{scale}: each low pixel averages a {scale}x{scale} block");
        }
    }

    [Test]
    public void Pix2pixPairsAreEdgeMapsAndImagesInMinusOneToOne()
    {
        var idx = SyntheticIdx.Folder(2, 2);
        var data = TaskDataSource.Load(Device, Options(ModelKind.Pix2pix), idx, "auto");
        var (edges, images) = data.TestBatches(1).First();
        Assert.That((edges.Shape, images.Shape), Is.EqualTo((new[] { 1, 1, 32, 32 }, new[] { 1, 1, 32, 32 })));
        var b = images.ToArray<float>();
        Assert.That(b[0], Is.EqualTo(-1f), "black padding is -1");
        Assert.That(b[2 * 32 + 2], Is.EqualTo((RawTestImage(idx, 0)[0] / 255f - 0.5f) / 0.5f));
        Assert.That(edges.ToArray<float>(), Has.All.InRange(-1f, 1f).And.Some.GreaterThan(-1f));

        var folder = GeneratedData.Images(3, 2, 32, 64);
        var pairs = TaskDataSource.Load(Device, Options(ModelKind.Pix2pix), folder, "auto");
        Assert.That((pairs.TrainTotal, pairs.TestCount, pairs.Description), Is.EqualTo((3, 2, $"A|B pairs from {folder}")));
        var (a, target) = pairs.TrainBatches(0).First();
        Assert.That((a.Shape, target.Shape), Is.EqualTo((new[] { 2, 1, 32, 32 }, new[] { 2, 1, 32, 32 })));
    }
}
