using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace QSparse.Nn.Data;

/// <summary>
/// PyTorch's DataLoader for host data sets: an epoch's examples in <see cref="BatchOrder"/> (or in index
/// order), the first <c>limit</c> of them, cut into batches, each batch prepared (its transforms run) on a
/// background thread up to <c>prefetch</c> batches ahead of the consumer. An example's random transforms draw
/// from <see cref="SampleRandom"/>(seed, epoch, index), so the batches are the same whatever the prefetch.
/// </summary>
/// <typeparam name="T">The example type.</typeparam>
public sealed class DataLoader<T>
{
    readonly IDataset<T> dataset;
    readonly int batchSize, prefetch, count;
    readonly bool shuffle, dropLast;
    readonly ulong seed;

    /// <param name="dataset">The examples.</param>
    /// <param name="batchSize">Examples per batch, at least 1.</param>
    /// <param name="shuffle">A new order each epoch (<see cref="BatchOrder.Permutation"/>), else 0..Count-1.</param>
    /// <param name="seed">The run's seed: the order and the examples' random streams.</param>
    /// <param name="dropLast">Leaves out a last batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Batches prepared ahead on a background thread; 0 prepares each on the consumer's thread.</param>
    /// <param name="limit">Examples per epoch (the first of the order), at least 1; default all.</param>
    public DataLoader(IDataset<T> dataset, int batchSize, bool shuffle = true, ulong seed = 0, bool dropLast = false,
        int prefetch = 2, int? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(prefetch);
        if (limit is < 1)
            throw new ArgumentOutOfRangeException(nameof(limit), $"must be at least 1, got {limit}");
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.prefetch = prefetch;
        count = Math.Min(limit ?? dataset.Count, dataset.Count);
    }

    /// <summary>Examples per epoch: the data set's, or the limit when smaller.</summary>
    public int ExamplesPerEpoch => count;

    /// <summary>Batches in each epoch.</summary>
    // NOTE: in long, so a batch size near int.MaxValue makes one batch instead of overflowing to none.
    public int BatchesPerEpoch => (int)(dropLast ? count / batchSize : ((long)count + batchSize - 1) / batchSize);

    /// <summary>
    /// The batches of <paramref name="epoch"/> (0-based). An exception preparing a batch is rethrown, with its
    /// stack, when the enumeration reaches that batch; leaving the enumeration early stops the background thread.
    /// </summary>
    public IEnumerable<IReadOnlyList<T>> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var order = shuffle ? BatchOrder.Permutation(seed, epoch, dataset.Count) : Enumerable.Range(0, dataset.Count).ToArray();
        return prefetch == 0
            ? Enumerable.Range(0, BatchesPerEpoch).Select(b => Prepare(order, epoch, b))
            : Prefetched(order, epoch);
    }

    IEnumerable<IReadOnlyList<T>> Prefetched(int[] order, int epoch)
    {
        using var queue = new BlockingCollection<(IReadOnlyList<T>? Batch, ExceptionDispatchInfo? Error)>(prefetch);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() => Produce(queue, order, epoch, stop.Token));
        try
        {
            foreach (var (batch, error) in queue.GetConsumingEnumerable())
            {
                error?.Throw();
                yield return batch!;
            }
        }
        finally
        {
            // NOTE: wait for the producer before the queue is disposed under it.
            stop.Cancel();
            producer.Wait();
        }
    }

    void Produce(BlockingCollection<(IReadOnlyList<T>? Batch, ExceptionDispatchInfo? Error)> queue, int[] order, int epoch, CancellationToken stop)
    {
        try
        {
            try
            {
                for (int b = 0; b < BatchesPerEpoch; b++)
                    queue.Add((Prepare(order, epoch, b), null), stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                queue.Add((null, ExceptionDispatchInfo.Capture(e)), stop);
            }
            queue.CompleteAdding();
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The consumer left the enumeration: nothing more to prepare.
        }
    }

    IReadOnlyList<T> Prepare(int[] order, int epoch, int batch)
    {
        int start = batch * batchSize, size = Math.Min(batchSize, count - start);
        var examples = new T[size];
        for (int i = 0; i < size; i++)
        {
            int index = order[start + i];
            examples[i] = dataset is ISampledDataset<T> sampled ? sampled.Get(index, new SampleRandom(seed, epoch, index)) : dataset[index];
        }
        return examples;
    }
}
