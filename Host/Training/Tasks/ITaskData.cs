namespace QSparse.Host.Training.Tasks;

/// <summary>
/// The examples of a training run as device batches of (input, target): images and int64 labels for
/// classification, low- and high-resolution images for super-resolution, edge maps and images for pix2pix.
/// Each batch's tensors belong to the caller, who disposes them.
/// </summary>
public interface ITaskData
{
    /// <summary>One line saying what the data is and where it came from.</summary>
    string Description { get; }

    /// <summary>Image channels of the inputs.</summary>
    int Channels { get; }

    /// <summary>Classes of a labelled data set (0 for image pairs).</summary>
    int Classes { get; }

    /// <summary>Training examples in all.</summary>
    int TrainTotal { get; }

    /// <summary>Training examples per epoch (the first of each epoch's order).</summary>
    int TrainCount { get; }

    /// <summary>E, training batches per epoch.</summary>
    int StepsPerEpoch { get; }

    /// <summary>Test examples in all.</summary>
    int TestCount { get; }

    /// <summary>The training batches of epoch <paramref name="epoch"/>, in its order.</summary>
    IEnumerable<(Tensor Input, Tensor Target)> TrainBatches(int epoch);

    /// <summary>The first <paramref name="limit"/> test examples (null: all) in order, in evaluation batches.</summary>
    IEnumerable<(Tensor Input, Tensor Target)> TestBatches(int? limit = null);
}
