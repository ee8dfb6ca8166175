namespace QSparse.Nn.Data;

/// <summary>A data set held in a list.</summary>
/// <typeparam name="T">The example type.</typeparam>
/// <param name="items">The examples, in order.</param>
public sealed class ListDataset<T>(IReadOnlyList<T> items) : IDataset<T>
{
    /// <inheritdoc/>
    public int Count => items.Count;

    /// <inheritdoc/>
    public T this[int index] => items[index];
}
