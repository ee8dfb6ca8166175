using QSparse.Nn.Data;

namespace QSparse.Host.Training;

/// <summary>A model's mean negative log-likelihood and accuracy on a data set.</summary>
/// <param name="Loss">Mean NLL over the examples.</param>
/// <param name="Accuracy">Fraction classified correctly.</param>
/// <param name="Count">Examples evaluated.</param>
public sealed record Evaluation(double Loss, double Accuracy, int Count)
{
    /// <summary>
    /// Evaluates <paramref name="model"/> in evaluation mode on the first <paramref name="limit"/> (default all)
    /// examples of <paramref name="data"/> (normalised), <paramref name="batchSize"/> at a time on the model's device, and puts it back in training mode.
    /// </summary>
    public static Evaluation Run(Module model, IDataset<LabeledImage> data, int batchSize, int? limit = null)
    {
        var loader = new DataLoader<LabeledImage>(data, batchSize, shuffle: false, limit: limit);
        int count = loader.ExamplesPerEpoch;
        double lossSum = 0, correct = 0;
        model.Eval();
        try
        {
            foreach (var batch in loader.Epoch(0))
            {
                using var scope = new TensorScope();
                using var noGrad = Autograd.NoGrad();
                var x = Batch.ToDevice(model.Device, [.. batch.Select(e => e.Image)]);
                var y = Batch.Labels(model.Device, batch);
                var logProbs = model.Call(x);
                lossSum += Functional.NllLoss(logProbs, y, Reduction.Sum).Item();
                correct += logProbs.ArgMax(1).Eq(y).To(DType.Float32).Sum().Item();
            }
        }
        finally
        {
            model.Train();
        }
        return new Evaluation(lossSum / Math.Max(count, 1), correct / Math.Max(count, 1), count);
    }
}
