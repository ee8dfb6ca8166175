using QSparse.Kernels;
using QSparse.Nn;
using QSparse.Tests.Ops;

namespace QSparse.Tests.GpuShapes;

/// <summary>
/// Batch-norm statistics and parameter gradients on GPU launch shapes (the simulated GPU): one group of 256 threads per
/// (channel, split of 8192 elements), float64 sums in a fixed order, then a pass per channel over its splits. The
/// results agree with the CPU launch shapes (one thread per channel, still used on CPU kinds) and a float64 reference.
/// </summary>
public class BatchNormLaunchTests
{
    /// <summary>Elements per split of <c>IlgpuChannelSums</c>.</summary>
    const int SplitLength = 8192;

    /// <summary>
    /// Each with 2 splits per channel, the second short: [N, C, H, W] with planes of 576 (above a group's 256 threads),
    /// [N, C] (planes of 1: a channel's elements strided by C) and planes of 21 (the stride of 256 crosses planes unevenly).
    /// </summary>
    static readonly int[][] Shapes = [[16, 4, 24, 24], [8200, 3], [400, 2, 3, 7]];

    /// <summary>
    /// Statistics and parameter gradients are float64 sums rounded once to float: the two summation orders differ at
    /// most where a sum lies next to a float rounding boundary, by one unit in the last place (2^-23 relative, twice).
    /// </summary>
    static readonly Tol Sums = new(2.4e-7, 0);

    /// <summary>y and gradIn: what the op table holds the GPU and CPU launch shapes to (<see cref="OpCase.Backend"/>).</summary>
    static readonly Tol Elements = new(1e-5, 1e-5);

    [TestCaseSource(nameof(Shapes))]
    public void TrainingLaunchesOneGroupPerChannelSplit(int[] shape)
    {
        var gpu = Accelerators.Get(Accelerators.SimulatedGpu);
        var inputs = new BatchNormShapes(shape, seed: shape.Sum());
        int channels = inputs.Shape.Channels, splits = (inputs.Shape.PerChannel + SplitLength - 1) / SplitLength;
        Assert.That(splits, Is.GreaterThan(1), "the shape must take more than one split per channel");

        BatchNormResults results;
        IReadOnlyList<LaunchRecord> launches;
        using (var log = gpu.RecordLaunches())
        {
            results = inputs.Run(gpu);
            launches = log.Launches;
        }
        Assert.That(launches.Select(l => l.Name), Is.EqualTo(new[]
        {
            "IlgpuChannelSums.SumsKernel<ValueTerms>", "ElementLoop.Kernel<MeanBody>",
            "IlgpuChannelSums.SumsKernel<SquaredDeviationTerms>", "ElementLoop.Kernel<VarianceBody>",
            "ElementLoop.Kernel<NormalizeBody>",
            "IlgpuChannelSums.SumsKernel<GradTerms>", "ElementLoop.Kernel<ChannelGradSumsBody>", "ElementLoop.Kernel<InputGradBody>",
        }));
        foreach (var sums in launches.Where(l => l.Name.StartsWith("IlgpuChannelSums.", StringComparison.Ordinal)))
        {
            Assert.That(sums.Config.GridDim.Size, Is.EqualTo(channels * splits), $"{sums.Name}: groups");
            Assert.That(sums.Config.GroupDim.Size, Is.EqualTo(256), $"{sums.Name}: threads per group");
        }

        var cpu = inputs.Run(Accelerators.Get("cpu-accelerator"));
        AssertClose(results, cpu, "gpu-sim against cpu-accelerator");
        AssertClose(results, inputs.Reference(), "gpu-sim against the float64 reference", reference: true);
        AssertEqual(inputs.Run(gpu), results, "gpu-sim run twice");
    }

    /// <summary>Empty planes ([N, C, 0]) in evaluation: the GPU sums of no elements give zero parameter gradients, as on the CPU.</summary>
    [Test]
    public void EmptyPlanesInEvaluationGiveZeroParameterGradients()
    {
        var gpu = Accelerators.Get(Accelerators.SimulatedGpu);
        using var scope = new TensorScope();
        var x = Tensor.Zeros(gpu, [2, 3, 0]).RequiresGrad_();
        var weight = Tensor.Ones(gpu, [3]).RequiresGrad_();
        var bias = Tensor.Ones(gpu, [3]).RequiresGrad_();
        Functional.BatchNorm(x, Tensor.Zeros(gpu, [3]), Tensor.Ones(gpu, [3]), weight, bias, training: false).Sum().Backward();
        Assert.That(weight.Grad!.ToArray<float>(), Is.EqualTo(new float[3]), "gradWeight");
        Assert.That(bias.Grad!.ToArray<float>(), Is.EqualTo(new float[3]), "gradBias");
    }

    /// <summary>CPU launch shapes keep one thread per channel for the sums (the element loop over the channels).</summary>
    [Test]
    public void CpuAcceleratorKeepsOneThreadPerChannel()
    {
        var cpu = Accelerators.Get("cpu-accelerator");
        var inputs = new BatchNormShapes(Shapes[0], seed: 1);
        IReadOnlyList<LaunchRecord> launches;
        using (var log = cpu.RecordLaunches())
        {
            inputs.Run(cpu);
            launches = log.Launches;
        }
        Assert.That(launches.Select(l => l.Name), Is.EqualTo(new[]
        {
            "ElementLoop.Kernel<StatsBody>", "ElementLoop.Kernel<NormalizeBody>",
            "ElementLoop.Kernel<ChannelGradBody>", "ElementLoop.Kernel<InputGradBody>",
        }));
        var perChannel = cpu.Elements(inputs.Shape.Channels).Config;
        Assert.That(launches[0].Config, Is.EqualTo(perChannel), "statistics");
        Assert.That(launches[2].Config, Is.EqualTo(perChannel), "parameter gradients");
        AssertClose(inputs.Run(cpu), inputs.Reference(), "cpu-accelerator against the float64 reference", reference: true);
    }

    /// <summary>
    /// Sums within <see cref="Sums"/> (or, against the reference, float rounding of their terms: √m absolute), elements
    /// within <see cref="Elements"/>.
    /// </summary>
    static void AssertClose(BatchNormResults actual, BatchNormResults expected, string what, bool reference = false)
    {
        double scale = Math.Sqrt(actual.Y.Length / actual.Mean.Length);
        var sums = reference ? new Tol(1e-6, 1e-6) : Sums;
        var gradSums = reference ? new Tol(1e-5, 1e-6) : Sums;
        float[] F(double[] v) => v.Select(e => (float)e).ToArray();
        OpAssert.Close(F(actual.Mean), expected.Mean, sums, 1, $"{what}: mean");
        OpAssert.Close(F(actual.Var), expected.Var, sums, 1, $"{what}: var");
        OpAssert.Close(F(actual.RunningMean), expected.RunningMean, sums, 1, $"{what}: running mean");
        OpAssert.Close(F(actual.RunningVar), expected.RunningVar, sums, 1, $"{what}: running var");
        OpAssert.Close(F(actual.GradBias), expected.GradBias, gradSums, scale, $"{what}: gradBias");
        OpAssert.Close(F(actual.GradWeight), expected.GradWeight, gradSums, scale, $"{what}: gradWeight");
        OpAssert.Close(F(actual.Y), expected.Y, Elements, 1, $"{what}: y");
        OpAssert.Close(F(actual.GradIn), expected.GradIn, Elements, 1, $"{what}: gradIn");
    }

    static void AssertEqual(BatchNormResults actual, BatchNormResults expected, string what)
    {
        Assert.That(actual.Mean, Is.EqualTo(expected.Mean), $"{what}: mean");
        Assert.That(actual.Var, Is.EqualTo(expected.Var), $"{what}: var");
        Assert.That(actual.GradWeight, Is.EqualTo(expected.GradWeight), $"{what}: gradWeight");
        Assert.That(actual.GradBias, Is.EqualTo(expected.GradBias), $"{what}: gradBias");
        Assert.That(actual.Y, Is.EqualTo(expected.Y), $"{what}: y");
        Assert.That(actual.GradIn, Is.EqualTo(expected.GradIn), $"{what}: gradIn");
    }
}
