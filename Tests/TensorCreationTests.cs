using QSparse.Nn;

namespace QSparse.Tests;

public class TensorCreationTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void FactoriesFillAsPyTorch()
    {
        Assert.That(Tensor.Zeros(Device, [2, 3]).ToArray<float>(), Is.All.EqualTo(0f));
        Assert.That(Tensor.Ones(Device, [4], DType.Int64).ToArray<long>(), Is.All.EqualTo(1L));
        Assert.That(Tensor.Full(Device, [3], 2.5).ToArray<float>(), Is.All.EqualTo(2.5f));
        Assert.That(Tensor.Full(Device, [2], 1, DType.Bool).ToArray<bool>(), Is.All.True);
        Assert.That(Tensor.Arange(Device, 1, 2, 0.25).ToArray<float>(), Is.EqualTo(new[] { 1f, 1.25f, 1.5f, 1.75f }));
        Assert.That(Tensor.Zeros(Device, [], DType.Int64).Shape, Is.Empty);
    }

    [Test]
    public void ArraysRoundTripInEveryDType()
    {
        Assert.That(Tensor.FromArray(Device, [1f, -2f], 2).ToArray<float>(), Is.EqualTo(new[] { 1f, -2f }));
        Assert.That(Tensor.FromArray(Device, [7, -8, 9], 3).ToArray<int>(), Is.EqualTo(new[] { 7, -8, 9 }));
        Assert.That(Tensor.FromArray(Device, [long.MaxValue], 1).ToArray<long>(), Is.EqualTo(new[] { long.MaxValue }));
        Assert.That(Tensor.FromArray(Device, [true, false, true], 3).ToArray<bool>(), Is.EqualTo(new[] { true, false, true }));
        Assert.That(() => Tensor.FromArray(Device, [1f, 2f, 3f], 2, 2), Throws.ArgumentException);
    }

    [Test]
    public void ConversionsTruncateTowardZero()
    {
        var x = Tensor.FromArray(Device, [-1.7f, -0.5f, 0f, 0.5f, 2.9f], 5);
        Assert.That(x.To(DType.Int32).ToArray<int>(), Is.EqualTo(new[] { -1, 0, 0, 0, 2 }));
        Assert.That(x.To(DType.Bool).ToArray<bool>(), Is.EqualTo(new[] { true, true, false, true, true }));
        Assert.That(x.To(DType.Int64).To(DType.Float32).ToArray<float>(), Is.EqualTo(new[] { -1f, 0, 0, 0, 2 }));
    }

    [Test]
    public void SeededRandomIsReproducibleAndDistributedAsAsked()
    {
        var a = Tensor.Rand(Device, [100000], new Generator(5)).ToArray<float>();
        var b = Tensor.Rand(Device, [100000], new Generator(5)).ToArray<float>();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.Min(), Is.GreaterThanOrEqualTo(0f));
        Assert.That(a.Max(), Is.LessThan(1f));
        Assert.That(a.Average(), Is.EqualTo(0.5).Within(0.01));
        var n = Tensor.Randn(Device, [100000], new Generator(6)).ToArray<float>();
        double mean = n.Average(), var = n.Select(v => (v - mean) * (v - mean)).Average();
        Assert.That(mean, Is.EqualTo(0).Within(0.02));
        Assert.That(var, Is.EqualTo(1).Within(0.03));
        var g = new Generator(5);
        var first = Tensor.Rand(Device, [10], g).ToArray<float>();
        Assert.That(Tensor.Rand(Device, [10], g).ToArray<float>(), Is.Not.EqualTo(first), "draws advance the generator");
    }

    [Test]
    public void ScopeReleasesTensorsAndUseAfterReleaseIsAnError()
    {
        Tensor inner;
        Tensor kept;
        using (new TensorScope())
        {
            inner = Tensor.Ones(Device, [3]);
            kept = (inner * 2f).DetachFromScope();
        }
        Assert.That(inner.IsDisposed, Is.True);
        Assert.That(kept.ToArray<float>(), Is.EqualTo(new[] { 2f, 2, 2 }));
        Assert.That(() => inner.Sum(), Throws.TypeOf<ObjectDisposedException>());
        kept.Dispose();
    }

    [Test]
    public void ReshapeSharesStorageAndChecksSizes()
    {
        var x = Tensor.Arange(Device, 6);
        var y = x.Reshape(2, -1);
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(x.Flatten().Shape, Is.EqualTo(new[] { 6 }));
        Assert.That(y.Unsqueeze(0).Shape, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(y.Transpose(0, 1).ToArray<float>(), Is.EqualTo(new[] { 0f, 3, 1, 4, 2, 5 }));
        Assert.That(() => x.Reshape(4, -1), Throws.ArgumentException.With.Message.Contains("[4, -1]"));
        Assert.That(() => x.Add(Tensor.Ones(Device, [4])), Throws.ArgumentException.With.Message.Contains("[6]").And.Message.Contains("[4]"));
    }
}
