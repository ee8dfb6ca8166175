namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>x.permute(perm): output dimension i is input dimension perm[i].</summary>
    public static HostArray Permute(HostArray x, params int[] perm)
    {
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = HostArray.Strides(x.Shape);
        var y = new HostArray(shape);
        var index = new int[shape.Length];
        for (int flat = 0; flat < y.Data.Length; flat++)
        {
            HostArray.Unravel(flat, shape, index);
            int offset = 0;
            for (int i = 0; i < shape.Length; i++)
                offset += index[i] * inStrides[perm[i]];
            y.Data[flat] = x.Data[offset];
        }
        return y;
    }

    /// <summary>x[..., start:end, ...] along <paramref name="dim"/>.</summary>
    public static HostArray Slice(HostArray x, int dim, int start, int end)
    {
        var shape = (int[])x.Shape.Clone();
        shape[dim] = end - start;
        var inStrides = HostArray.Strides(x.Shape);
        var y = new HostArray(shape);
        var index = new int[shape.Length];
        for (int flat = 0; flat < y.Data.Length; flat++)
        {
            HostArray.Unravel(flat, shape, index);
            index[dim] += start;
            y.Data[flat] = x.Data[index.Select((v, i) => v * inStrides[i]).Sum()];
        }
        return y;
    }

    /// <summary>torch.cat(xs, dim).</summary>
    public static HostArray Cat(HostArray[] xs, int dim)
    {
        var shape = (int[])xs[0].Shape.Clone();
        shape[dim] = xs.Sum(x => x.Shape[dim]);
        var y = new HostArray(shape);
        var index = new int[shape.Length];
        for (int flat = 0; flat < y.Data.Length; flat++)
        {
            HostArray.Unravel(flat, shape, index);
            int which = 0;
            while (index[dim] >= xs[which].Shape[dim])
                index[dim] -= xs[which++].Shape[dim];
            var strides = HostArray.Strides(xs[which].Shape);
            y.Data[flat] = xs[which].Data[index.Select((v, i) => v * strides[i]).Sum()];
        }
        return y;
    }

    /// <summary>torch.stack(xs, dim): a new dimension <paramref name="dim"/> of size xs.Length.</summary>
    public static HostArray Stack(HostArray[] xs, int dim)
    {
        var shape = xs[0].Shape.Take(dim).Append(1).Concat(xs[0].Shape.Skip(dim)).ToArray();
        return Cat(xs.Select(x => x.Reshape(shape)).ToArray(), dim);
    }

    /// <summary>torch.flip(x, dims): element i along each flipped dimension of size n is read from n − 1 − i.</summary>
    public static HostArray Flip(HostArray x, params int[] dims)
    {
        var strides = HostArray.Strides(x.Shape);
        var y = new HostArray(x.Shape);
        var index = new int[x.Rank];
        for (int flat = 0; flat < y.Data.Length; flat++)
        {
            HostArray.Unravel(flat, x.Shape, index);
            y.Data[flat] = x.Data[index.Select((v, i) => (dims.Contains(i) ? x.Shape[i] - 1 - v : v) * strides[i]).Sum()];
        }
        return y;
    }
}
