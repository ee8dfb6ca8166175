namespace QSparse.Nn.Data;

/// <summary>A data set's name and the mean and standard deviation its pixels (scaled to [0, 1]) are normalised with.</summary>
/// <param name="Name">The --dataset spelling.</param>
/// <param name="Mean">The training images' mean pixel.</param>
/// <param name="Std">The training images' pixel standard deviation.</param>
public sealed record DatasetStats(string Name, double Mean, double Std)
{
    /// <summary>MNIST handwritten digits (PyTorch's example: 0.1307, 0.3081).</summary>
    public static DatasetStats Mnist { get; } = new("mnist", 0.1307, 0.3081);

    /// <summary>Zalando's Fashion-MNIST (0.2860, 0.3530).</summary>
    public static DatasetStats FashionMnist { get; } = new("fashion-mnist", 0.2860, 0.3530);

    /// <summary>The known data sets.</summary>
    public static IReadOnlyList<DatasetStats> Known { get; } = [Mnist, FashionMnist];

    /// <summary>The data set whose mean pixel is nearest <paramref name="meanPixel"/> (in [0, 1]): how a folder's contents tell MNIST from Fashion-MNIST.</summary>
    public static DatasetStats Nearest(double meanPixel) => Known.MinBy(s => Math.Abs(s.Mean - meanPixel))!;

    /// <summary>The data set named <paramref name="name"/>; an unknown name is an <see cref="ArgumentException"/> listing the known ones.</summary>
    public static DatasetStats Parse(string name) =>
        Known.FirstOrDefault(s => s.Name == name.ToLowerInvariant())
        ?? throw new ArgumentException($"unknown --dataset '{name}': expected auto, {string.Join(", ", Known.Select(s => s.Name))}");
}
