using QSparse.Nn.Data;

namespace QSparse.Host.Training.Tasks;

/// <summary>
/// A host data set of Nn/Data served as device batches: the training examples through a <see cref="DataLoader{T}"/>
/// (each epoch's <see cref="BatchOrder"/>, the first --limit-train of it, transforms run on a background thread), the
/// test examples in order; <c>upload</c> collates a batch into the (input, target) tensors.
/// </summary>
/// <typeparam name="T">The example type (a labelled image or an image pair).</typeparam>
public sealed class LoaderTaskData<T> : ITaskData
{
    readonly DataLoader<T> train;
    readonly IDataset<T> test;
    readonly Func<IReadOnlyList<T>, (Tensor Input, Tensor Target)> upload;
    readonly int evalBatchSize;

    /// <param name="train">The training examples, transformed.</param>
    /// <param name="test">The test examples, transformed.</param>
    /// <param name="upload">A batch of examples as device tensors (input, target).</param>
    /// <param name="description">What the data is.</param>
    /// <param name="channels">Channels of the inputs.</param>
    /// <param name="classes">Classes of the labels (0 for image pairs).</param>
    /// <param name="options">The batch sizes, the seed and --limit-train.</param>
    public LoaderTaskData(IDataset<T> train, IDataset<T> test, Func<IReadOnlyList<T>, (Tensor, Tensor)> upload, string description, int channels,
        int classes, TrainOptions options)
    {
        this.train = new DataLoader<T>(train, options.BatchSize, seed: options.Seed, limit: options.LimitTrain is { } l ? Math.Min(l, Math.Max(train.Count, 1)) : null);
        this.test = test;
        this.upload = upload;
        evalBatchSize = options.EvalBatchSize;
        Description = description;
        Channels = channels;
        Classes = classes;
        TrainTotal = train.Count;
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public int Channels { get; }

    /// <inheritdoc/>
    public int Classes { get; }

    /// <inheritdoc/>
    public int TrainTotal { get; }

    /// <inheritdoc/>
    public int TrainCount => train.ExamplesPerEpoch;

    /// <inheritdoc/>
    public int StepsPerEpoch => train.BatchesPerEpoch;

    /// <inheritdoc/>
    public int TestCount => test.Count;

    /// <inheritdoc/>
    public IEnumerable<(Tensor Input, Tensor Target)> TrainBatches(int epoch) => train.Epoch(epoch).Select(upload);

    /// <inheritdoc/>
    public IEnumerable<(Tensor Input, Tensor Target)> TestBatches(int? limit = null) => test.Count == 0
        ? []
        : new DataLoader<T>(test, evalBatchSize, shuffle: false, limit: limit is { } l ? Math.Min(l, test.Count) : null).Epoch(0).Select(upload);
}
