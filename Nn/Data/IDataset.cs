namespace QSparse.Nn.Data;

/// <summary>A data set: <see cref="Count"/> examples read by index (PyTorch's map-style Dataset).</summary>
/// <typeparam name="T">The example type.</typeparam>
public interface IDataset<out T>
{
    /// <summary>The number of examples.</summary>
    int Count { get; }

    /// <summary>The example at <paramref name="index"/> (0..Count-1).</summary>
    T this[int index] { get; }
}
