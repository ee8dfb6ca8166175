using QSparse.Kernels;

namespace QSparse.Nn;

public sealed partial class Tensor
{
    /// <summary>The same elements under another shape (one dimension may be -1); shares storage.</summary>
    public Tensor Reshape(params int[] shape)
    {
        var newShape = ShapeUtil.InferShape(shape, Numel);
        var view = new Tensor(Device, newShape, DType, Storage);
        var oldShape = Shape;
        return Autograd.Record(view, "Reshape", [this], g => [g.Reshape(oldShape)]);
    }

    /// <summary>Alias of <see cref="Reshape"/>: storage is always contiguous.</summary>
    public Tensor View(params int[] shape) => Reshape(shape);

    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        int s = ShapeUtil.NormalizeDim(startDim, Rank), e = ShapeUtil.NormalizeDim(endDim, Rank);
        if (Rank == 0)
            return Reshape(1);
        var shape = Shape.Take(s).Append(Shape[s..(e + 1)].Aggregate(1, (a, b) => a * b)).Concat(Shape.Skip(e + 1));
        return Reshape(shape.ToArray());
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = dim < 0 ? dim + Rank + 1 : dim;
        var shape = Shape.ToList();
        shape.Insert(d, 1);
        return Reshape(shape.ToArray());
    }

    /// <summary>Removes dimension <paramref name="dim"/>, which must have size 1.</summary>
    public Tensor Squeeze(int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        if (Shape[d] != 1)
            return Reshape(Shape);
        return Reshape(Shape.Where((_, i) => i != d).ToArray());
    }

    /// <summary>A tensor sharing this one's storage, cut from the graph.</summary>
    public Tensor Detach() => new(Device, Shape, DType, Storage);

    /// <summary>Reorders the dimensions (a copy, since storage is always contiguous).</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank || dims.Select(d => ShapeUtil.NormalizeDim(d, Rank)).Distinct().Count() != Rank)
            throw new ArgumentException($"permute({string.Join(", ", dims)}) is not a permutation of {Rank} dimensions", nameof(dims));
        var perm = dims.Select(d => ShapeUtil.NormalizeDim(d, Rank)).ToArray();
        var strides = ShapeUtil.Strides(Shape);
        var outShape = perm.Select(p => Shape[p]).ToArray();
        var result = StridedCopy(outShape, perm.Select(p => strides[p]).ToArray(), ShapeUtil.Strides(outShape), 0, 0, null);
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
            inverse[perm[i]] = i;
        return Autograd.WithArguments(Autograd.Record(result, "Permute", [this], g => [g.Permute(inverse)]), perm);
    }

    public Tensor Transpose(int dim0, int dim1)
    {
        var perm = Enumerable.Range(0, Rank).ToArray();
        int a = ShapeUtil.NormalizeDim(dim0, Rank), b = ShapeUtil.NormalizeDim(dim1, Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>Elements <paramref name="start"/>..<paramref name="end"/> (exclusive) along <paramref name="dim"/> (a copy).</summary>
    public Tensor Slice(int dim, int start, int end)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        if (start < 0) start += Shape[d];
        if (end < 0) end += Shape[d];
        end = Math.Min(end, Shape[d]);
        if (start < 0 || start > end)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {end}) is outside dimension {d} of size {Shape[d]}");
        var outShape = (int[])Shape.Clone();
        outShape[d] = end - start;
        var strides = ShapeUtil.Strides(Shape);
        var result = StridedCopy(outShape, strides, ShapeUtil.Strides(outShape), start * strides[d], 0, null);
        var inShape = Shape;
        return Autograd.Record(result, "Slice", [this], g =>
        {
            var gi = Zeros(Device, inShape);
            gi.StridedCopyFrom(g, ShapeUtil.Strides(g.Shape), strides, start * strides[d]);
            return [gi];
        });
    }

    /// <summary>Joins tensors of equal shape but for <paramref name="dim"/> along that dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0)
            throw new ArgumentException("Cat needs at least one tensor", nameof(tensors));
        var first = tensors[0];
        int d = ShapeUtil.NormalizeDim(dim, first.Rank);
        foreach (var t in tensors)
            if (t.Rank != first.Rank || t.DType != first.DType ||
                Enumerable.Range(0, t.Rank).Any(i => i != d && t.Shape[i] != first.Shape[i]))
                throw new ArgumentException(
                    $"Cat along dimension {d}: shape {ShapeUtil.Format(t.Shape)} does not match {ShapeUtil.Format(first.Shape)}");
        var outShape = (int[])first.Shape.Clone();
        outShape[d] = tensors.Sum(t => t.Shape[d]);
        var result = Empty(first.Device, outShape, first.DType);
        var outStrides = ShapeUtil.Strides(outShape);
        var offsets = new int[tensors.Count];
        for (int i = 0, offset = 0; i < tensors.Count; offset += tensors[i].Shape[d], i++)
        {
            offsets[i] = offset;
            result.StridedCopyFrom(tensors[i], ShapeUtil.Strides(tensors[i].Shape), outStrides, offset * outStrides[d]);
        }
        return Autograd.WithArguments(Autograd.Record(result, "Cat", tensors.ToArray(), g =>
            tensors.Select((t, i) => g.Slice(d, offsets[i], offsets[i] + t.Shape[d])).ToArray<Tensor?>()), d);
    }

    /// <summary>Materialises this tensor broadcast to <paramref name="shape"/>.</summary>
    public Tensor BroadcastTo(params int[] shape)
    {
        if (!ShapeUtil.BroadcastShapes(Shape, shape).SequenceEqual(shape))
            throw new ArgumentException($"shape {ShapeUtil.Format(Shape)} cannot be broadcast to {ShapeUtil.Format(shape)}");
        var result = StridedCopy(shape, ShapeUtil.BroadcastStrides(Shape, shape), ShapeUtil.Strides(shape), 0, 0, null);
        var inShape = Shape;
        return Autograd.Record(result, "BroadcastTo", [this], g => [g.SumToShape(inShape)]);
    }

    /// <summary>A new tensor of <paramref name="outShape"/> whose element i is read at srcStrides·index + srcOffset.</summary>
    Tensor StridedCopy(int[] outShape, int[] srcStrides, int[] dstStrides, int srcOffset, int dstOffset, Tensor? into)
    {
        var result = into ?? Empty(Device, outShape, DType);
        int count = ShapeUtil.Numel(outShape);
        if (count == 0)
            return result;
        var map = Broadcast.Create(outShape, srcStrides, dstStrides, false);
        var src = Storage.Buffer;
        var dst = result.Storage.Buffer;
        switch (DType)
        {
            case DType.Float32:
                CopyKernels.StridedCopy(Device, src.As<float>(Numel).SubView(srcOffset), dst.As<float>(result.Numel).SubView(dstOffset), count, map);
                break;
            case DType.Int32:
                CopyKernels.StridedCopy(Device, src.As<int>(Numel).SubView(srcOffset), dst.As<int>(result.Numel).SubView(dstOffset), count, map);
                break;
            case DType.Int64:
                CopyKernels.StridedCopy(Device, src.As<long>(Numel).SubView(srcOffset), dst.As<long>(result.Numel).SubView(dstOffset), count, map);
                break;
            default:
                CopyKernels.StridedCopy(Device, src.As<byte>(Numel).SubView(srcOffset), dst.As<byte>(result.Numel).SubView(dstOffset), count, map);
                break;
        }
        return result;
    }

    /// <summary>Writes all of <paramref name="source"/> into this tensor at dstStrides·index + dstOffset.</summary>
    void StridedCopyFrom(Tensor source, int[] srcStrides, int[] dstStrides, int dstOffset) =>
        source.StridedCopy(source.Shape, srcStrides, dstStrides, 0, dstOffset, this);
}
