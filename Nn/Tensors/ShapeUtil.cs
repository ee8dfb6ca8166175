namespace QSparse.Nn;

/// <summary>Shape arithmetic shared by tensor operations.</summary>
static class ShapeUtil
{
    public static int Numel(int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
            n *= d;
        if (n > int.MaxValue)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] has more than 2^31 elements");
        return (int)n;
    }

    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        for (int i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--)
            strides[i] = s;
        return strides;
    }

    public static int NormalizeDim(int dim, int rank)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.Max(rank, 1))
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"dimension out of range for a tensor of rank {rank}");
        return d;
    }

    public static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>NumPy broadcasting of two shapes, or an error naming both.</summary>
    public static int[] BroadcastShapes(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"shapes {Format(a)} and {Format(b)} cannot be broadcast together");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides of <paramref name="shape"/> seen through broadcast output shape <paramref name="to"/> (0 where broadcast).</summary>
    public static int[] BroadcastStrides(int[] shape, int[] to)
    {
        var own = Strides(shape);
        var result = new int[to.Length];
        int pad = to.Length - shape.Length;
        for (int i = 0; i < to.Length; i++)
            result[i] = i < pad || shape[i - pad] == 1 ? 0 : own[i - pad];
        return result;
    }

    /// <summary>Resolves one -1 in a requested shape against <paramref name="numel"/>.</summary>
    public static int[] InferShape(int[] shape, int numel)
    {
        int unknown = Array.IndexOf(shape, -1);
        var result = (int[])shape.Clone();
        if (unknown >= 0)
        {
            int known = 1;
            for (int i = 0; i < shape.Length; i++)
                if (i != unknown) known *= shape[i];
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"shape {Format(shape)} is invalid for input of size {numel}");
            result[unknown] = numel / known;
        }
        if (Numel(result) != numel)
            throw new ArgumentException($"shape {Format(shape)} is invalid for input of size {numel}");
        return result;
    }
}
