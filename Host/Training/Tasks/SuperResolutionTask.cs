using System.Globalization;
using QSparse.Scheduling;

namespace QSparse.Host.Training.Tasks;

/// <summary>
/// Single-image super-resolution as espcn-sr/train.py: MSE between the network's upsampling of the
/// low-resolution input and the high-resolution image; PSNR on the test set beside the bilinear baseline (the
/// low-resolution input upsampled with <see cref="Functional.Interpolate"/>).
/// </summary>
public sealed class SuperResolutionTask : TrainingTask
{
    readonly Optimizer optimizer;
    readonly double[] lrShares;

    /// <param name="network">Low-resolution images [N, C, H, W] in [0, 1] → [N, C, s·H, s·W].</param>
    /// <param name="optimizer">Updates the network's parameters.</param>
    /// <param name="schedule">The learning rate of each epoch.</param>
    /// <param name="lrShares">Each parameter group's share of the schedule's rate (espcn-sr: 1 for the feature layers, 0.1 for the last).</param>
    public SuperResolutionTask(Module network, Optimizer optimizer, LRSchedule schedule, double[] lrShares) : base(network, schedule)
    {
        this.optimizer = optimizer;
        this.lrShares = lrShares;
        Optimizers = [("optimizer.", optimizer)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Prefix, Optimizer Optimizer)> Optimizers { get; }

    /// <inheritdoc/>
    public override void ApplyLr()
    {
        for (int i = 0; i < lrShares.Length; i++)
            optimizer.ParamGroups[i].Lr = Schedule.Lr * lrShares[i];
    }

    /// <inheritdoc/>
    public override Tensor Step(Tensor input, Tensor target) => TrainingStep.Update(optimizer, Functional.MseLoss(Network.Call(input), target));

    /// <inheritdoc/>
    protected override int MetricCount => 3;

    /// <inheritdoc/>
    protected override void Accumulate(Tensor input, Tensor target, double[] sums)
    {
        var output = Network.Call(input);
        sums[0] += Psnr.Sums(output, target).PsnrSum;
        var bilinear = Functional.Interpolate(input, new Size2(target.Shape[2], target.Shape[3]), mode: InterpolateMode.Bilinear);
        sums[1] += Psnr.Sums(bilinear, target).PsnrSum;
        sums[2] += Functional.MseLoss(output, target, Reduction.Sum).Item() / (target.Numel / target.Shape[0]);
    }

    /// <inheritdoc/>
    protected override TaskMetrics Metrics(double[] sums, int count)
    {
        double n = Math.Max(count, 1), psnr = sums[0] / n, bilinear = sums[1] / n, loss = sums[2] / n;
        return new([new("psnr", psnr, "0.00"), new("bilinear_psnr", bilinear, "0.00"), new("test_loss", loss, "0.000000")], count,
            string.Create(CultureInfo.InvariantCulture, $"test loss {loss:0.000000} psnr {psnr:0.00} dB (bilinear {bilinear:0.00} dB)"));
    }
}
