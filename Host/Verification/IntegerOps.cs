namespace QSparse.Host.Verification;

/// <summary>The integer replay's data movement and pooling on row-major integer arrays, as the float ops do them.</summary>
static class IntegerOps
{
    /// <summary><paramref name="data"/> [shape] with its dimensions reordered, as Tensor.Permute(perm).</summary>
    public static long[] Permute(long[] data, int[] shape, IReadOnlyList<int> perm)
    {
        int rank = shape.Length;
        var strides = new int[rank];
        for (int k = rank - 1, stride = 1; k >= 0; stride *= shape[k], k--)
            strides[k] = stride;
        var outShape = perm.Select(p => shape[p]).ToArray();
        var result = new long[data.Length];
        var index = new int[rank];
        for (int i = 0; i < result.Length; i++)
        {
            int source = 0;
            for (int k = 0; k < rank; k++)
                source += index[k] * strides[perm[k]];
            result[i] = data[source];
            for (int k = rank - 1; k >= 0 && ++index[k] == outShape[k]; k--)
                index[k] = 0;
        }
        return result;
    }

    /// <summary>The operands [..., n_k, ...] joined along <paramref name="dim"/>: Tensor.Cat.</summary>
    public static long[] Cat(IReadOnlyList<(long[] Data, int[] Shape)> operands, int dim)
    {
        int outer = operands[0].Shape[..dim].Aggregate(1, (a, b) => a * b);
        var result = new long[operands.Sum(o => o.Data.Length)];
        int at = 0;
        for (int o = 0; o < outer; o++)
            foreach (var (data, shape) in operands)
            {
                int chunk = data.Length / Math.Max(outer, 1);
                Array.Copy(data, o * chunk, result, at, chunk);
                at += chunk;
            }
        return result;
    }

    /// <summary>[*, C·r², H, W] → [*, C, H·r, W·r]: output (c, h·r + i, w·r + j) is input (c·r² + i·r + j, h, w).</summary>
    public static long[] PixelShuffle(long[] data, int[] shape, int r)
    {
        int c = shape[^3] / (r * r), h = shape[^2], w = shape[^1], batch = data.Length / (c * r * r * h * w);
        return Permute(data, [batch, c, r, r, h, w], [0, 1, 4, 2, 5, 3]);
    }

    /// <summary>[*, C, H·r, W·r] → [*, C·r², H, W], the inverse of <see cref="PixelShuffle"/>.</summary>
    public static long[] PixelUnshuffle(long[] data, int[] shape, int r)
    {
        int c = shape[^3], h = shape[^2] / r, w = shape[^1] / r, batch = data.Length / (c * h * r * w * r);
        return Permute(data, [batch, c, h, r, w, r], [0, 1, 3, 5, 2, 4]);
    }

    /// <summary>Max-pooling on integers as MaxPool2d does it (padding never wins); output shape from the trace.</summary>
    public static long[] MaxPool(long[] a, int[] shape, MaxPool2d pool, int[] outputShape)
    {
        int planes = a.Length / (shape[^2] * shape[^1]), h = shape[^2], w = shape[^1], ho = outputShape[^2], wo = outputShape[^1];
        Size2 k = pool.KernelSize, s = pool.Stride, p = pool.Padding, d = pool.Dilation;
        var data = new long[planes * ho * wo];
        for (int plane = 0; plane < planes; plane++)
            for (int y = 0; y < ho; y++)
                for (int x = 0; x < wo; x++)
                {
                    long max = long.MinValue;
                    for (int ky = 0; ky < k.H; ky++)
                        for (int kx = 0; kx < k.W; kx++)
                        {
                            int iy = y * s.H - p.H + ky * d.H, ix = x * s.W - p.W + kx * d.W;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                max = Math.Max(max, a[(plane * h + iy) * w + ix]);
                        }
                    data[(plane * ho + y) * wo + x] = max;
                }
        return data;
    }

    /// <summary>
    /// The sums of kh×kw windows placed every (sh, sw), without padding, over the last two dimensions: an
    /// average pooling's numerators (the replay divides by a power of two by raising the decimal instead).
    /// </summary>
    public static long[] WindowSums(long[] a, int[] shape, Size2 kernel, Size2 stride, int[] outputShape)
    {
        int planes = a.Length / (shape[^2] * shape[^1]), h = shape[^2], w = shape[^1], ho = outputShape[^2], wo = outputShape[^1];
        var data = new long[planes * ho * wo];
        for (int plane = 0; plane < planes; plane++)
            for (int y = 0; y < ho; y++)
                for (int x = 0; x < wo; x++)
                {
                    long sum = 0;
                    for (int ky = 0; ky < kernel.H; ky++)
                        for (int kx = 0; kx < kernel.W; kx++)
                            sum += a[(plane * h + y * stride.H + ky) * w + x * stride.W + kx];
                    data[(plane * ho + y) * wo + x] = sum;
                }
        return data;
    }
}
