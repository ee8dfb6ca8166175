namespace QSparse.Tests.Ops;

/// <summary>A float64 tensor on the host (row-major data and its shape): what the reference forwards read and return.</summary>
public sealed record HostArray(int[] Shape, double[] Data)
{
    /// <summary>Zeros of <paramref name="shape"/>.</summary>
    public HostArray(int[] shape) : this(shape, new double[Numel(shape)]) { }

    public int Rank => Shape.Length;

    public static int Numel(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        for (int i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--)
            strides[i] = s;
        return strides;
    }

    /// <summary>The multi-index of flat position <paramref name="flat"/> in <paramref name="shape"/>, written into <paramref name="index"/>.</summary>
    public static void Unravel(int flat, int[] shape, int[] index)
    {
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }
    }

    /// <summary>f applied to every element.</summary>
    public HostArray Map(Func<double, double> f) => new(Shape, Data.Select(f).ToArray());

    /// <summary>The same data under another shape of the same size.</summary>
    public HostArray Reshape(params int[] shape)
    {
        if (Numel(shape) != Data.Length)
            throw new ArgumentException($"reshape of {Data.Length} elements to [{string.Join(", ", shape)}]");
        return new(shape, Data);
    }

    public static HostArray Scalar(double value) => new([], [value]);
}
