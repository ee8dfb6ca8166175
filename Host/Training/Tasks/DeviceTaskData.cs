using QSparse.Host.Data;

namespace QSparse.Host.Training.Tasks;

/// <summary>
/// Training and test examples already on the device (inputs and targets as the two tensors of an
/// <see cref="ImageDataset"/>): each epoch's batches are the first examples of <see cref="BatchOrder.Permutation"/>,
/// gathered on the device.
/// </summary>
/// <param name="Train">The training examples.</param>
/// <param name="Test">The test examples.</param>
/// <param name="Description">What the data is.</param>
/// <param name="Classes">Classes of the labels (0 for image pairs).</param>
/// <param name="BatchSize">Examples per training step.</param>
/// <param name="EvalBatchSize">Examples per evaluation step.</param>
/// <param name="Seed">Seeds each epoch's order.</param>
/// <param name="LimitTrain">Training examples per epoch (null: all).</param>
public sealed record DeviceTaskData(ImageDataset Train, ImageDataset Test, string Description, int Classes, int BatchSize, int EvalBatchSize,
    ulong Seed, int? LimitTrain) : ITaskData
{
    /// <inheritdoc/>
    public int Channels => Train.Images.Shape[1];

    /// <inheritdoc/>
    public int TrainTotal => Train.Count;

    /// <inheritdoc/>
    public int TrainCount => Math.Min(LimitTrain ?? Train.Count, Train.Count);

    /// <inheritdoc/>
    public int StepsPerEpoch => (TrainCount + BatchSize - 1) / BatchSize;

    /// <inheritdoc/>
    public int TestCount => Test.Count;

    /// <inheritdoc/>
    public IEnumerable<(Tensor Input, Tensor Target)> TrainBatches(int epoch)
    {
        var order = BatchOrder.Permutation(Seed, epoch, Train.Count);
        for (int start = 0; start < TrainCount; start += BatchSize)
            yield return Train.Batch(order[start..Math.Min(start + BatchSize, TrainCount)]);
    }

    /// <inheritdoc/>
    public IEnumerable<(Tensor Input, Tensor Target)> TestBatches(int? limit = null)
    {
        int count = Math.Min(limit ?? Test.Count, Test.Count);
        for (int start = 0; start < count; start += EvalBatchSize)
            yield return Test.Batch(Enumerable.Range(start, Math.Min(EvalBatchSize, count - start)).ToArray());
    }
}
