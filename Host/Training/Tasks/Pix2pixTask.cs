using System.Globalization;
using QSparse.Host.Reporting;
using QSparse.Scheduling;

namespace QSparse.Host.Training.Tasks;

/// <summary>
/// pix2pix as pix2pix_model.py (vanilla GAN): per step the discriminator learns real pairs from generated ones
/// (BCE with logits, halved), then the generator minimises its adversarial loss plus λ·L1 to the target, each
/// with its own Adam. Inputs and targets come normalised to [-1, 1] (pix2pix's Normalize(0.5, 0.5)), as the generator's
/// tanh output; PSNR and L1 of the generator's outputs on held-out pairs are measured back in [0, 1]; a PNG grid of
/// samples next to the checkpoint after each epoch.
/// </summary>
public sealed class Pix2pixTask : TrainingTask
{
    readonly Pix2pixNetworks networks;
    readonly Optimizer optimizerG, optimizerD;
    readonly float lambdaL1;

    /// <param name="networks">The generator and the discriminator.</param>
    /// <param name="optimizerG">Updates the generator.</param>
    /// <param name="optimizerD">Updates the discriminator.</param>
    /// <param name="schedule">The learning rate of each epoch (both optimizers).</param>
    /// <param name="lambdaL1">Weight of the L1 loss (pix2pix: 100).</param>
    public Pix2pixTask(Pix2pixNetworks networks, Optimizer optimizerG, Optimizer optimizerD, LRSchedule schedule, double lambdaL1)
        : base(networks, schedule)
    {
        this.networks = networks;
        this.optimizerG = optimizerG;
        this.optimizerD = optimizerD;
        this.lambdaL1 = (float)lambdaL1;
        Optimizers = [("optimizer.", optimizerG), ("optimizer_d.", optimizerD)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Prefix, Optimizer Optimizer)> Optimizers { get; }

    /// <summary>Returns the generator's loss (adversarial + λ·L1).</summary>
    public override Tensor Step(Tensor input, Tensor target)
    {
        var (a, b) = (input, target);
        var fake = networks.NetG.Call(a);
        var lossD = (Adversarial(Tensor.Cat([a, fake.Detach()], 1), false) + Adversarial(Tensor.Cat([a, b], 1), true)) * 0.5f;
        TrainingStep.Update(optimizerD, lossD);
        // NOTE: the generator's backward also leaves gradients on the discriminator; its next ZeroGrad releases them.
        var lossG = Adversarial(Tensor.Cat([a, fake], 1), true) + Functional.L1Loss(fake, b) * lambdaL1;
        return TrainingStep.Update(optimizerG, lossG);
    }

    Tensor Adversarial(Tensor pair, bool real)
    {
        var logits = networks.NetD.Call(pair);
        return Functional.BinaryCrossEntropyWithLogits(logits, Tensor.Full(logits.Device, logits.Shape, real ? 1 : 0));
    }

    static Tensor Unit(Tensor signed) => (signed + 1f) * 0.5f;

    /// <inheritdoc/>
    protected override int MetricCount => 2;

    /// <inheritdoc/>
    protected override void Accumulate(Tensor input, Tensor target, double[] sums)
    {
        var (psnr, l1) = Psnr.Sums(Unit(networks.NetG.Call(input)), Unit(target));
        sums[0] += psnr;
        sums[1] += l1;
    }

    /// <inheritdoc/>
    protected override TaskMetrics Metrics(double[] sums, int count)
    {
        double n = Math.Max(count, 1), psnr = sums[0] / n, l1 = sums[1] / n;
        return new([new("psnr", psnr, "0.00"), new("l1", l1, "0.0000")], count,
            string.Create(CultureInfo.InvariantCulture, $"psnr {psnr:0.00} dB l1 {l1:0.0000}"));
    }

    /// <inheritdoc/>
    public override bool HasSamples => true;

    /// <summary>Writes "&lt;checkpoint&gt;-samples-&lt;epoch&gt;.png": one row per example of <paramref name="batch"/>, input | output | target.</summary>
    public override void WriteSamples(string checkpointPath, int epoch, (Tensor Input, Tensor Target) batch)
    {
        using var scope = new TensorScope();
        networks.Eval();
        try
        {
            using var noGrad = Autograd.NoGrad();
            var output = networks.NetG.Call(batch.Input);
            ImageGrid.Save(SamplesPath(checkpointPath, epoch), [Unit(batch.Input), Unit(output), Unit(batch.Target)]);
        }
        finally
        {
            networks.Train();
        }
    }

    /// <summary>Where <see cref="WriteSamples"/> writes epoch <paramref name="epoch"/>'s grid.</summary>
    public static string SamplesPath(string checkpointPath, int epoch) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!,
            $"{Path.GetFileNameWithoutExtension(checkpointPath)}-samples-{epoch.ToString("000", CultureInfo.InvariantCulture)}.png");
}
