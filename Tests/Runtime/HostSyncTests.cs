using System.Runtime.InteropServices;
using QSparse.Host.Benchmarks;
using QSparse.Host.Training;
using QSparse.Kernels;
using QSparse.Nn;
using QSparse.Nn.Data;

namespace QSparse.Tests.Runtime;

/// <summary>
/// Host syncs (<see cref="Device.HostSyncs"/>): the staging ring's uploads wait only when they outrun its slots and
/// never corrupt one another; on the simulated GPU the training loop waits only where it reads the losses, and trains
/// bit-identically to the synchronous uploads.
/// </summary>
public class HostSyncTests
{
    static Device Gpu => Accelerators.Get(Accelerators.SimulatedGpu);

    static IEnumerable<string> Kinds() => Accelerators.KindsWithSimulatedGpu();

    [TestCaseSource(nameof(Kinds))]
    public void RingUploadsMoreArraysThanSlotsWithoutCorruptingAny(string kind)
    {
        var device = Accelerators.Get(kind);
        const int slots = 3, uploads = 10;
        using var ring = new StagingRing(device, slots);
        // Distinct arrays of growing length (slots are reallocated larger), all sent from one host array that is
        // overwritten as soon as each upload returns: the ring must have copied it.
        var expected = Enumerable.Range(0, uploads).Select(i => Enumerable.Range(0, 5 + 7 * i).Select(j => 1000f * i + j).ToArray()).ToArray();
        var buffers = expected.Select(e => device.Accelerator.Allocate1D<float>(e.Length)).ToArray();
        var host = new float[expected[^1].Length];
        long before = device.HostSyncs;
        for (int i = 0; i < uploads; i++)
        {
            expected[i].CopyTo(host, 0);
            ring.Upload(buffers[i].View.AsContiguous().Cast<byte>(), MemoryMarshal.AsBytes(host.AsSpan(0, expected[i].Length)));
            Array.Fill(host, float.NaN);
        }
        // A slot is refilled without waiting once any host sync has followed its last fill, and each wait frees every
        // slot: after the first lap the ring waits once per lap, at uploads 4, 7 and 10.
        Assert.That(device.HostSyncs - before, Is.EqualTo((uploads - 1) / slots));
        for (int i = 0; i < uploads; i++)
        {
            var back = new float[expected[i].Length];
            HostTransfers.Download(device, buffers[i].View.AsContiguous().Cast<byte>(), MemoryMarshal.AsBytes(back.AsSpan()));
            Assert.That(back, Is.EqualTo(expected[i]), $"upload {i}");
            buffers[i].Dispose();
        }
        Assert.That(device.HostSyncs - before, Is.EqualTo((uploads - 1) / slots + uploads), "each read back is one host sync");
        Assert.That(ring.BytesPinned, Is.EqualTo(expected.TakeLast(slots).Sum(e => e.Length * sizeof(float))), "each slot keeps the largest upload it carried");
    }

    [Test]
    public void CpuKindsUploadDirectlyAndGpusThroughTheRing()
    {
        Assert.That(Gpu.Staging, Is.Not.Null);
        Assert.That(Gpu.Staging!.Slots, Is.EqualTo(StagingRing.DefaultSlots));
        foreach (var kind in Accelerators.Kinds().Where(k => Accelerators.Get(k).IsCpu))
            Assert.That(Accelerators.Get(kind).Staging, Is.Null, kind);
        using (new TensorScope())
        {
            Gpu.Synchronize();
            long before = Gpu.HostSyncs;
            var t = Tensor.FromArray(Gpu, [1f, 2f, 3f], 3);
            Assert.That(Gpu.HostSyncs, Is.EqualTo(before), "an upload to a GPU does not wait");
            Assert.That(t.ToArray<float>(), Is.EqualTo(new[] { 1f, 2f, 3f }));
            Assert.That(Gpu.HostSyncs, Is.EqualTo(before + 1), "a read back waits once");
            Assert.That(Gpu.HostSyncs, Is.EqualTo(before + 1), "reading the count does not wait");
        }
    }

    /// <summary>
    /// The seed's training on <paramref name="device"/> (its recipe, NLL loss and data loader) with the seed network's
    /// layer kinds at 8×8 (conv, batch norm, ReLU, dropout, linear, log-softmax): the full seed network takes minutes a
    /// step on the simulator. Returns each step's loss, the host syncs of each epoch and the final weights.
    /// </summary>
    static (List<double> Losses, long[] EpochSyncs, Dictionary<string, float[]> Weights) Train(Device device)
    {
        const int side = 8;
        var options = new TrainOptions { Mode = TrainMode.Float, Epochs = 2, BatchSize = 2, EvalBatchSize = 2, Seed = 5 };
        var random = new Random(5);
        var examples = new ListDataset<LabeledImage>([.. Enumerable.Range(0, 6).Select(i => new LabeledImage(
            new HostImage([.. Enumerable.Range(0, side * side).Select(_ => (float)random.NextDouble())], 1, side, side), i % 10))]);
        var data = TaskDataSource.Labelled(device, examples, examples, "generated", 1, 10, options);
        using var trainer = new Trainer(device, options, data, (_, g) => new Sequential(
            new Conv2d(1, 4, 3, device: device, generator: g), new BatchNorm2d(4, device: device), new ReLU(device),
            new Dropout(0.25, g, device), new Flatten(device: device), new Linear(4 * (side - 2) * (side - 2), 10, device: device, generator: g),
            new LogSoftmax(1, device)));
        var losses = new List<double>();
        var epochSyncs = new long[options.Epochs];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            long before = device.HostSyncs;
            trainer.TrainEpoch((_, loss) => losses.Add(loss));
            epochSyncs[epoch] = device.HostSyncs - before;
        }
        return (losses, epochSyncs, trainer.Model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray<float>()));
    }

    [Test]
    public void SeedTrainingOnAGpuWaitsOnlyToReadTheLossesAndMatchesSynchronousUploads()
    {
        var staged = Train(Gpu);
        // Epoch 2 (after the warm-up epoch): 3 steps, under Trainer.LossReadInterval, so one read of all their losses
        // at the end of the epoch is the only wait; uploads of images and labels never wait.
        Assert.That(staged.Losses, Has.Count.EqualTo(6));
        Assert.That(staged.EpochSyncs[1], Is.EqualTo(1));
        try
        {
            Gpu.Staging = null;
            var direct = Train(Gpu);
            Assert.That(direct.EpochSyncs[1], Is.EqualTo(1 + 2 * 3), "the synchronous path waits at each upload (images and labels of 3 steps)");
            Assert.That(staged.Losses, Is.EqualTo(direct.Losses), "losses bit-identical");
            Assert.That(staged.Weights.Keys, Is.EqualTo(direct.Weights.Keys));
            foreach (var (name, weights) in staged.Weights)
                Assert.That(Bits(weights), Is.EqualTo(Bits(direct.Weights[name])), $"{name} bit-identical");
        }
        finally
        {
            Gpu.Staging = new StagingRing(Gpu);
        }
    }

    static int[] Bits(float[] values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    static IEnumerable<TestCaseData> SeedModes() =>
        from kind in Accelerators.Kinds().Where(k => k == "cpu-accelerator")
        from mode in new[] { TrainMode.Float, TrainMode.QuantizePrune }
        select new TestCaseData(kind, mode);

    [TestCaseSource(nameof(SeedModes))]
    public void SeedNetworkStepsOnTheKernelsNeverWait(string kind, TrainMode mode)
    {
        var device = Accelerators.Get(kind);
        using var bench = new SeedStepBench(device, mode, 2);
        var syncs = new List<long>();
        for (int step = 0; step < bench.WarmupSteps + 3; step++)
        {
            long before = device.HostSyncs;
            bench.Step();
            syncs.Add(device.HostSyncs - before);
        }
        TestContext.Out.WriteLine($"{kind} {mode}: host syncs per step {string.Join(" ", syncs)}");
        Assert.That(syncs.Skip(bench.WarmupSteps), Is.All.EqualTo(0));
    }
}
