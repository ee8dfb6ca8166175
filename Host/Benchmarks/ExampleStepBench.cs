using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>
/// One training step (forward, loss, backward, optimizer) of an <see cref="ExampleNet"/> on one fixed random
/// batch, float or in quantize+prune mode (every QSPARSE operator active after
/// <see cref="SeedStepBench.ActiveAfter"/> steps, as the seed's).
/// </summary>
public sealed class ExampleStepBench : IDisposable
{
    readonly Optimizer optimizer;
    readonly Tensor x, target;

    /// <summary>A fresh network <paramref name="net"/> in <paramref name="mode"/> (float or quantize+prune) with its batch.</summary>
    public ExampleStepBench(Device device, ExampleNet net, TrainMode mode)
    {
        if (mode is not (TrainMode.Float or TrainMode.QuantizePrune))
            throw new ArgumentException($"example networks are benched float or quantize+prune, not {mode}", nameof(mode));
        Device = device;
        Net = net;
        Mode = mode;
        var generator = new Generator(1);
        Model = ExampleNetworks.Create(net, device, generator, mode == TrainMode.QuantizePrune);
        optimizer = ExampleNetworks.Optimizer(net, Model);
        x = Tensor.Randn(device, ExampleNetworks.Input(net), generator);
        target = ExampleNetworks.Target(net, device, generator);
    }

    /// <summary>The device the network lives on.</summary>
    public Device Device { get; }

    /// <summary>Which network.</summary>
    public ExampleNet Net { get; }

    /// <summary>Float or quantize+prune.</summary>
    public TrainMode Mode { get; }

    /// <summary>The network.</summary>
    public Module Model { get; }

    /// <summary>The fixed batch every step trains on.</summary>
    public Tensor Input => x;

    /// <summary>Steps before the steady state: <see cref="SeedStepBench.ActiveAfter"/> with QSPARSE, else 1 (kernel compilation).</summary>
    public int WarmupSteps => Mode == TrainMode.Float ? 1 : SeedStepBench.ActiveAfter;

    /// <summary>The row name: "resnet20 step float b32", "unet step quantize+prune b8".</summary>
    public string Workload => $"{Net.ToString().ToLowerInvariant()} step {TrainOptions.Spell(Mode)} b{x.Shape[0]}";

    /// <summary>One training step; the loss is not read, so nothing waits for the device.</summary>
    public void Step()
    {
        using var scope = new TensorScope();
        var loss = ExampleNetworks.Loss(Net, Model.Call(x), target);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        OpProfiler.Mark("optimizer step", Device);
    }

    /// <summary>Releases the batch and the optimizer state.</summary>
    public void Dispose()
    {
        optimizer.Dispose();
        x.Dispose();
        target.Dispose();
    }
}
