using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>The example networks' training steps (<see cref="ExampleNet"/>), float and quantize+prune.</summary>
public static class ExampleStepWorkloads
{
    /// <summary>The two modes each network is timed in.</summary>
    public static readonly TrainMode[] Modes = [TrainMode.Float, TrainMode.QuantizePrune];

    /// <summary>Steady-state steps of <paramref name="net"/> in <paramref name="mode"/>, after the warm-up that makes QSPARSE active.</summary>
    public static BenchWorkload Steady(Device device, ExampleNet net, TrainMode mode)
    {
        var bench = new ExampleStepBench(device, net, mode);
        for (int i = 0; i < bench.WarmupSteps; i++)
            bench.Step();
        return new(bench.Workload, bench.Step, [bench], Flops: StepFlops.Of(bench.Model, bench.Input), Warmups: 1, Note: QsparseActivity.Describe(bench.Model, bench.WarmupSteps));
    }

    /// <summary>Every network in both modes, under keys such as "resnet20 step float".</summary>
    public static IEnumerable<BenchWorkloads.Entry> All() =>
        from net in Enum.GetValues<ExampleNet>()
        from mode in Modes
        select new BenchWorkloads.Entry($"{net.ToString().ToLowerInvariant()} step {TrainOptions.Spell(mode)}", d => Steady(d, net, mode));
}
