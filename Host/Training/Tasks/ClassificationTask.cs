using System.Globalization;
using QSparse.Scheduling;

namespace QSparse.Host.Training.Tasks;

/// <summary>
/// Image classification: cross-entropy on the network's logits, or NLL when it outputs log-probabilities
/// (the seed network); test loss and accuracy.
/// </summary>
public sealed class ClassificationTask : TrainingTask
{
    readonly Optimizer optimizer;
    readonly bool logProbabilities;

    /// <param name="network">Images [N, C, H, W] → logits or log-probabilities [N, classes].</param>
    /// <param name="optimizer">Updates the network's parameters.</param>
    /// <param name="schedule">The learning rate of each epoch.</param>
    /// <param name="logProbabilities">The network ends in log_softmax: the loss is NLL, not cross-entropy.</param>
    public ClassificationTask(Module network, Optimizer optimizer, LRSchedule schedule, bool logProbabilities) : base(network, schedule)
    {
        this.optimizer = optimizer;
        this.logProbabilities = logProbabilities;
        Optimizers = [("optimizer.", optimizer)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Prefix, Optimizer Optimizer)> Optimizers { get; }

    /// <inheritdoc/>
    public override Tensor Step(Tensor input, Tensor target) => TrainingStep.Update(optimizer, Loss(Network.Call(input), target, Reduction.Mean));

    Tensor Loss(Tensor output, Tensor labels, Reduction reduction) =>
        logProbabilities ? Functional.NllLoss(output, labels, reduction) : Functional.CrossEntropy(output, labels, reduction);

    /// <inheritdoc/>
    protected override int MetricCount => 2;

    /// <inheritdoc/>
    protected override void Accumulate(Tensor input, Tensor target, double[] sums)
    {
        var output = Network.Call(input);
        sums[0] += Loss(output, target, Reduction.Sum).Item();
        sums[1] += output.ArgMax(1).Eq(target).To(DType.Float32).Sum().Item();
    }

    /// <inheritdoc/>
    protected override TaskMetrics Metrics(double[] sums, int count)
    {
        double loss = sums[0] / Math.Max(count, 1), accuracy = sums[1] / Math.Max(count, 1);
        return new([new("accuracy", accuracy, "0.0000"), new("test_loss", loss, "0.0000")], count,
            string.Create(CultureInfo.InvariantCulture, $"test loss {loss:0.0000} accuracy {accuracy:0.0000}"));
    }
}
