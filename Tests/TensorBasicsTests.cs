using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Tensor arithmetic beyond the op table: exact large sums.</summary>
public class TensorBasicsTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void LargeSumIsExact()
    {
        var x = Tensor.Ones(Device, [1000, 1000]);
        Assert.That(x.Sum().Item(), Is.EqualTo(1e6));
    }
}
