namespace QSparse.Nn.Data;

/// <summary>Data sets seen through a transform, computed when an example is read (torchvision's <c>transform=</c>).</summary>
public static class Transform
{
    /// <summary><paramref name="dataset"/> with <paramref name="map"/> applied to each example as it is read.</summary>
    public static IDataset<U> Map<T, U>(IDataset<T> dataset, Func<T, U> map) => Map(dataset, (T x, SampleRandom _) => map(x));

    /// <summary><paramref name="dataset"/> with the random <paramref name="map"/> applied to each example, drawing from the example's stream.</summary>
    public static IDataset<U> Map<T, U>(IDataset<T> dataset, Func<T, SampleRandom, U> map) => new MappedDataset<T, U>(dataset, map);

    /// <summary><paramref name="dataset"/> with <paramref name="transform"/> applied to each example.</summary>
    public static IDataset<U> Map<T, U>(IDataset<T> dataset, ITransform<T, U> transform) => Map<T, U>(dataset, transform.Apply);

    /// <summary>A labelled data set with <paramref name="transforms"/> applied in order to each image, the labels kept.</summary>
    public static IDataset<LabeledImage> Images(IDataset<LabeledImage> dataset, params ITransform<HostImage, HostImage>[] transforms) =>
        Map(dataset, (LabeledImage x, SampleRandom random) =>
            x with { Image = transforms.Aggregate(x.Image, (image, t) => t.Apply(image, random)) });
}
