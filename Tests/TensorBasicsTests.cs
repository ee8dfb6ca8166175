using QSparse.Nn;

namespace QSparse.Tests;

public class TensorBasicsTests(string kind) : DeviceTest(kind)
{

    [Test]
    public void LargeSumIsExact()
    {
        var x = Tensor.Ones(Device, [1000, 1000]);
        Assert.That(x.Sum().Item(), Is.EqualTo(1e6));
    }

}
