using QSparse.Nn;

namespace QSparse.Tests;

public class MemoryTests(string kind) : DeviceTest(kind)
{
    /// <summary>
    /// A training loop with every layer type and a per-step TensorScope: device memory in use is the
    /// same after step 10 and after step 200, and the pool stops allocating once shapes repeat.
    /// </summary>
    [Test]
    public void DeviceMemoryStaysFlatOver200TrainingSteps()
    {
        var g = new Generator(3);
        var model = new Sequential(
            new Conv2d(1, 4, 3, device: Device, generator: g), new BatchNorm2d(4, device: Device), new ReLU(Device),
            new Conv2d(4, 6, 3, padding: 1, device: Device, generator: g), new ReLU(Device), new MaxPool2d(2, device: Device),
            new Dropout(0.25, g, Device), new Flatten(device: Device), new Linear(6 * 4 * 4, 16, device: Device, generator: g),
            new BatchNorm1d(16, device: Device), new ReLU(Device), new Linear(16, 10, device: Device, generator: g),
            new LogSoftmax(1, Device));
        using var opt = new Adadelta(model.Parameters());
        var x = Tensor.Randn(Device, [8, 1, 10, 10], g).DetachFromScope();
        var y = Tensor.FromArray(Device, [0L, 1, 2, 3, 4, 5, 6, 7], 8).DetachFromScope();

        long inUseAfterWarmup = 0, allocationsAfterWarmup = 0;
        for (int step = 1; step <= 200; step++)
        {
            using (new TensorScope())
            {
                var loss = Functional.NllLoss(model.Forward(x), y);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
            }
            if (step == 10)
            {
                inUseAfterWarmup = Device.Pool.BytesInUse;
                allocationsAfterWarmup = Device.Pool.Allocations;
            }
        }
        Assert.That(Device.Pool.BytesInUse, Is.EqualTo(inUseAfterWarmup), "bytes in use after 200 steps vs after 10");
        Assert.That(Device.Pool.Allocations, Is.EqualTo(allocationsAfterWarmup), "device allocations after warm-up");
        x.Dispose();
        y.Dispose();
    }
}
