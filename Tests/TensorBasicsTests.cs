using QSparse.Nn;

namespace QSparse.Tests;

public class TensorBasicsTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void BroadcastArithmeticMatchesHost()
    {
        var a = Tensor.FromArray(Device, [1f, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray(Device, [10f, 20, 30], 3);
        Assert.That((a + b).ToArray<float>(), Is.EqualTo(new[] { 11f, 22, 33, 14, 25, 36 }));
        Assert.That((a * b).Sum(0).ToArray<float>(), Is.EqualTo(new[] { 50f, 140, 270 }));
        Assert.That(a.Sum(1, keepDim: true).Shape, Is.EqualTo(new[] { 2, 1 }));
        Assert.That(a.Max(1).ToArray<float>(), Is.EqualTo(new[] { 3f, 6 }));
        Assert.That(a.ArgMax(0).ToArray<long>(), Is.EqualTo(new long[] { 1, 1, 1 }));
        Assert.That(a.Permute(1, 0).ToArray<float>(), Is.EqualTo(new[] { 1f, 4, 2, 5, 3, 6 }));
        Assert.That(a.Slice(1, 1, 3).ToArray<float>(), Is.EqualTo(new[] { 2f, 3, 5, 6 }));
        Assert.That(Tensor.Cat([a, b.Reshape(1, 3)], 0).ToArray<float>(), Is.EqualTo(new[] { 1f, 2, 3, 4, 5, 6, 10, 20, 30 }));
        Assert.That(a.Gt(3f).ToArray<bool>(), Is.EqualTo(new[] { false, false, false, true, true, true }));
    }

    [Test]
    public void LargeSumIsExact()
    {
        var x = Tensor.Ones(Device, [1000, 1000]);
        Assert.That(x.Sum().Item(), Is.EqualTo(1e6));
    }

    [Test]
    public void BackwardThroughBroadcastSumsGradients()
    {
        var a = Tensor.FromArray(Device, [1f, 2, 3, 4, 5, 6], 2, 3).RequiresGrad_();
        var b = Tensor.FromArray(Device, [10f, 20, 30], 3).RequiresGrad_();
        (a * b).Sum().Backward();
        Assert.That(a.Grad!.ToArray<float>(), Is.EqualTo(new[] { 10f, 20, 30, 10, 20, 30 }));
        Assert.That(b.Grad!.ToArray<float>(), Is.EqualTo(new[] { 5f, 7, 9 }));
    }
}
