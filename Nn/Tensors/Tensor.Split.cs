namespace QSparse.Nn;

public sealed partial class Tensor
{
    /// <summary>
    /// Joins tensors of one shape along a new dimension <paramref name="dim"/> (torch.stack): n tensors of
    /// [a, b] give [n, a, b] at dim 0, [a, n, b] at dim 1. Differentiable in every input.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0)
            throw new ArgumentException("Stack needs at least one tensor", nameof(tensors));
        var first = tensors[0];
        foreach (var t in tensors)
            if (!t.Shape.SequenceEqual(first.Shape))
                throw new ArgumentException($"Stack: shape {ShapeUtil.Format(t.Shape)} does not match {ShapeUtil.Format(first.Shape)}", nameof(tensors));
        int d = ShapeUtil.NormalizeDim(dim, first.Rank + 1);
        return Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }

    /// <summary>
    /// Cuts this tensor along <paramref name="dim"/> into pieces of <paramref name="sizes"/> (torch.split with a
    /// list of sizes, which must add up to the dimension). Each piece is a copy with its own gradient path.
    /// </summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        if (sizes.Any(s => s < 0) || sizes.Sum() != Shape[d])
            throw new ArgumentException($"split: sizes [{string.Join(", ", sizes)}] do not add up to dimension {d} of size {Shape[d]}", nameof(sizes));
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++)
            pieces[i] = Slice(d, start, start + sizes[i]);
        return pieces;
    }

    /// <summary>Cuts this tensor along <paramref name="dim"/> into pieces of <paramref name="size"/> (the last may be smaller), as torch.split.</summary>
    public Tensor[] Split(int size, int dim = 0)
    {
        if (size <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "split: split_size must be positive");
        int n = Shape[ShapeUtil.NormalizeDim(dim, Rank)];
        return Split(Enumerable.Range(0, Math.Max(1, (n + size - 1) / size)).Select(i => Math.Min(size, n - i * size)).ToArray(), dim);
    }

    /// <summary>
    /// torch.chunk: at most <paramref name="chunks"/> pieces of ceil(n / chunks) along <paramref name="dim"/>
    /// (the last smaller; fewer pieces when n is not enough, e.g. 5 in 4 chunks gives 2, 2, 1).
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0)
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "chunk: chunks must be positive");
        int n = Shape[ShapeUtil.NormalizeDim(dim, Rank)];
        return Split(Math.Max(1, (n + chunks - 1) / chunks), dim);
    }

    /// <summary>Reverses the order of the elements along each of <paramref name="dims"/> (torch.flip; a copy). Its gradient is the flipped gradient.</summary>
    public Tensor Flip(params int[] dims)
    {
        var flipped = dims.Select(x => ShapeUtil.NormalizeDim(x, Rank)).ToArray();
        if (flipped.Distinct().Count() != flipped.Length)
            throw new ArgumentException($"flip: dims ({string.Join(", ", dims)}) name a dimension twice", nameof(dims));
        var result = this;
        foreach (int d in Numel > 0 ? flipped : [])
        {
            var next = result.FlipRows(d);
            if (!ReferenceEquals(result, this))
                result.Dispose();
            result = next;
        }
        if (ReferenceEquals(result, this))
            result = StridedCopy(Shape, ShapeUtil.Strides(Shape), ShapeUtil.Strides(Shape), 0, 0, null);
        return Autograd.Record(result, "Flip", [this], g => [g.Flip(flipped)]);
    }

    /// <summary>
    /// This tensor flipped along <paramref name="dim"/>, outside the graph: viewed as rows of the elements after
    /// <paramref name="dim"/>, row (outer, i) is gathered from (outer, n − 1 − i).
    /// NOTE: a gather, not a strided copy with a negative stride: views must not be read below their start.
    /// </summary>
    Tensor FlipRows(int dim)
    {
        int n = Shape[dim], inner = Shape.Skip(dim + 1).Aggregate(1, (a, b) => a * b), rows = Numel / inner;
        var index = Enumerable.Range(0, rows).Select(r => r - r % n + (n - 1 - r % n)).ToArray();
        using var byRow = new Tensor(Device, [rows, inner], DType, Storage);
        using var gathered = byRow.IndexSelect(index);
        return new Tensor(Device, Shape, DType, gathered.Storage);
    }
}
