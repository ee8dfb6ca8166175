namespace QSparse.Nn.Data;

/// <summary>A data set whose examples are another's passed through a function: built by <see cref="Transform.Map{T, U}(IDataset{T}, Func{T, SampleRandom, U})"/>.</summary>
sealed class MappedDataset<T, U>(IDataset<T> source, Func<T, SampleRandom, U> map) : ISampledDataset<U>
{
    public int Count => source.Count;

    // NOTE: read without a loader (no epoch), an example draws from the stream of seed 0, epoch 0.
    public U this[int index] => Get(index, new SampleRandom(0, 0, index));

    public U Get(int index, SampleRandom random) =>
        map(source is ISampledDataset<T> sampled ? sampled.Get(index, random) : source[index], random);
}
