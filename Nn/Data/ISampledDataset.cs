namespace QSparse.Nn.Data;

/// <summary>
/// A data set whose examples are drawn with a per-example random stream (a data set with random transforms):
/// <see cref="DataLoader{T}"/> reads it with <see cref="Get"/> and a <see cref="SampleRandom"/> seeded by
/// (loader seed, epoch, index), so an example is the same whatever thread prepares it.
/// </summary>
/// <typeparam name="T">The example type.</typeparam>
public interface ISampledDataset<out T> : IDataset<T>
{
    /// <summary>The example at <paramref name="index"/>, its random choices drawn from <paramref name="random"/>.</summary>
    T Get(int index, SampleRandom random);
}
