using QSparse.Nn;
using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>Collation: images stacked [N, C, H, W] on the host and the device, labels int64.</summary>
public class BatchTests(string kind) : DeviceTest(kind)
{
    static HostImage Image(float start) => new([start, start + 1, start + 2, start + 3], 1, 2, 2);

    [Test]
    public void StacksImagesAndLabels()
    {
        var (data, shape) = Batch.Images([Image(0), Image(10)]);
        Assert.That(shape, Is.EqualTo(new[] { 2, 1, 2, 2 }));
        Assert.That(data, Is.EqualTo(new float[] { 0, 1, 2, 3, 10, 11, 12, 13 }));
        using var scope = new TensorScope();
        var x = Batch.ToDevice(Device, [Image(0), Image(10)]);
        Assert.That(x.Shape, Is.EqualTo(new[] { 2, 1, 2, 2 }));
        Assert.That(x.DType, Is.EqualTo(DType.Float32));
        Assert.That(x.ToArray<float>(), Is.EqualTo(data));
        var y = Batch.Labels(Device, [new LabeledImage(Image(0), 3), new LabeledImage(Image(1), 9)]);
        Assert.That(y.DType, Is.EqualTo(DType.Int64));
        Assert.That(y.ToArray<long>(), Is.EqualTo(new long[] { 3, 9 }));
    }

    [Test]
    public void ImagesOfDifferentShapesAreAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => Batch.Images([Image(0), new HostImage(new float[6], 1, 2, 3)]))!;
        Assert.That(e.Message, Does.Contain("image 1 is 1x2x3, image 0 1x2x2"));
        Assert.Throws<ArgumentException>(() => Batch.Images([]));
    }
}
