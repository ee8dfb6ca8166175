using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Tests;

public class DeviceTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void KernelsAreCompiledOncePerDevice()
    {
        _ = Tensor.Ones(Device, [10]).Exp();
        int loaded = Device.LoadedKernels;
        _ = Tensor.Ones(Device, [20]).Exp();
        Assert.That(Device.LoadedKernels, Is.EqualTo(loaded));
    }

    [Test]
    public void PoolReusesFreedBuffers()
    {
        // NOTE: the device is shared: a buffer of this size class that an earlier test freed would serve the sum.
        Device.Pool.Trim();
        using (new TensorScope())
            _ = Tensor.Zeros(Device, [12345]);
        long allocations = Device.Pool.Allocations;
        long inUse = Device.Pool.BytesInUse;
        for (int i = 0; i < 10; i++)
            using (new TensorScope())
                _ = Tensor.Zeros(Device, [12345]) + 1f;
        Assert.That(Device.Pool.Allocations, Is.EqualTo(allocations + 1), "one more buffer for the sum, then reuse");
        Assert.That(Device.Pool.BytesInUse, Is.EqualTo(inUse));
    }

    [Test]
    public void ElementSplitCoversEveryElementOnce()
    {
        foreach (int n in new[] { 1, 7, 1000, 1 << 20, 3 * (1 << 20) + 5 })
        {
            var (config, range) = Device.Elements(n);
            long threads = (long)config.GridDim.Size * config.GroupDim.Size;
            Assert.That(threads * range.PerThread, Is.GreaterThanOrEqualTo(n), $"n={n}");
        }
        // Every element written exactly once: a sum of ones counts them (exact below 2^24).
        var x = Tensor.Zeros(Device, [3 * (1 << 20) + 5]) + 1f;
        Assert.That(x.Sum().Item(), Is.EqualTo(3 * (1 << 20) + 5));
    }
}

public class DeviceSelectionTests
{
    [Test]
    public void UnknownDeviceNameIsAnError() =>
        Assert.That(() => Device.Open("tpu"), Throws.ArgumentException.With.Message.Contains("tpu"));

    [Test]
    public void MissingAcceleratorListsWhatWasFound()
    {
        var present = Device.Available().Select(d => d.Kind).ToHashSet();
        foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCL }.Where(k => !present.Contains(k)))
            Assert.That(() => Device.Open(kind.ToString()),
                Throws.InvalidOperationException.With.Message.Contains("found: ").And.Message.Contains("cpu"));
        Assert.That(present, Does.Contain(DeviceKind.Cpu), "the CPU accelerator is always found");
    }

    [Test]
    public void EachCpuDeviceGetsItsBackend()
    {
        Assert.That(Accelerators.Get("cpu-accelerator").Backend.GetType(), Is.EqualTo(typeof(Backend)));
        Assert.That(Accelerators.Get("cpu").Backend.Name, Is.EqualTo(NativeCpuBackend.Supported ? "native-cpu" : "ilgpu"));
    }

    [Test]
    public void CpuAcceleratorUsesOneMultiprocessorPerCore() =>
        Assert.That(Accelerators.Get("cpu").Accelerator.NumMultiprocessors, Is.EqualTo(Environment.ProcessorCount));
}
