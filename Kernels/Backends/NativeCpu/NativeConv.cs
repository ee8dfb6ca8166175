using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ILGPU;
using static QSparse.Kernels.NativeGemm;

namespace QSparse.Kernels;

/// <summary>
/// The native path of the convolutions: forward and backward-weight are one <see cref="NativeGemm"/>
/// product per channel group whose im2col operand is packed straight from the image (<see cref="Im2ColB"/>);
/// backward-data adds the micro-kernel's blocks of col straight onto the input gradient.
/// </summary>
static unsafe class NativeConv
{
    /// <summary>y [N, OutC, OutH, OutW] = conv(x, w) + bias [OutC]: one GEMM per group, col never materialised.</summary>
    public static void Forward(HostMemory host, ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y, ConvGeometry g)
    {
        // Y_g [GroupOutC, (n, pixel)] = W_g [GroupOutC, GroupColRows] · col_g, written where y holds it.
        float* ws = (float*)host.Address(w), ys = (float*)host.Address(y), b = (float*)host.Address(bias);
        WithIm2Col(host, x, g, tapRows: true, (group, col) => NativeGemm.Multiply(
            new StridedA(ws + group * g.GroupOutC * g.GroupColRows, g.GroupColRows, AxisMap.Plain(1)), col,
            new GemmOutput(ys + group * g.GroupOutC * g.OutPixels, g.OutPixels, AxisMap.ImagePixels(g.OutC, g.OutPixels),
                b == null ? null : b + group * g.GroupOutC),
            g.GroupOutC, g.ColCols, g.GroupColRows, 1f, 0f));
    }

    /// <summary>
    /// x [N, C, H, W] = convᵀ(gy, w) + bias [C]: per image and group, blocks of col_g = W_gᵀ·GY_g (6 taps × 16
    /// pixels, from the GEMM's micro-kernel) are added straight onto the input pixels they stand for, so col2im
    /// is fused into the product and no col matrix exists. One worker owns each image: every sum runs in a
    /// fixed order, whatever the number of cores (deterministic).
    /// </summary>
    public static void BackwardData(HostMemory host, ArrayView<float> gy, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> x, ConvGeometry g)
    {
        int k = g.GroupOutC, rows = g.GroupColRows, panels = (rows + MR - 1) / MR, pixels = g.OutPixels, plane = g.H * g.W;
        bool dense = g.PadH == 0 && g.PadW == 0;
        var packed = ArrayPool<float>.Shared.Rent(g.GroupCount * panels * MR * k);
        try
        {
            fixed (float* packedA = packed)
            {
                // W_gᵀ (taps × GroupOutC): element (tap, oc) at w[(group·GroupOutC + oc)·GroupColRows + tap], packed whole (it is small).
                for (int group = 0; group < g.GroupCount; group++)
                {
                    var wT = new StridedA((float*)host.Address(w) + group * k * rows, 1, AxisMap.Plain(rows));
                    for (int panel = 0; panel < panels; panel++)
                        wT.Pack(panel * MR, Math.Min(MR, rows - panel * MR), 0, k, packedA + (group * panels + panel) * MR * k);
                }
                float* pa = packedA, xs = (float*)host.Address(x), b = (float*)host.Address(bias);
                var gyByChannel = new StridedB((float*)host.Address(gy), pixels, AxisMap.ImagePixels(g.OutC, pixels));
                WithTables(x, g, (taps, pixelTable) => NativeLoops.For(g.N, (long)g.ColRows * pixels, (begin, end) =>
                {
                    var panel = ArrayPool<float>.Shared.Rent(k * NR);
                    float* product = stackalloc float[MR * NR];
                    var bounds = new ImageBounds(g);
                    fixed (float* bPanel = panel)
                        for (int n = begin; n < end; n++)
                        {
                            for (int c = 0; c < g.C; c++)
                                new Span<float>(xs + ((long)n * g.C + c) * plane, plane).Fill(b != null ? b[c] : 0f);
                            for (int group = 0; group < g.GroupCount; group++)
                            {
                                var groupTaps = taps.From(group * rows);
                                float* groupA = pa + group * panels * MR * k;
                                for (int p0 = 0; p0 < pixels; p0 += NR)
                                {
                                    int column = n * pixels + p0, nr = Math.Min(NR, pixels - p0);
                                    gyByChannel.Pack(group * k, k, column, nr, bPanel);
                                    for (int m0 = 0; m0 < rows; m0 += MR)
                                    {
                                        NativeGemm.MicroKernel(groupA + m0 * k, bPanel, k, product);
                                        AddBlock(xs, product, groupTaps, m0, Math.Min(MR, rows - m0), pixelTable, column, nr, bounds, dense);
                                    }
                                }
                            }
                        }
                    ArrayPool<float>.Shared.Return(panel);
                }));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>
    /// Adds col block rows (taps m0 .. m0 + mr − 1) × columns (pixels column .. column + nr − 1) onto the
    /// input elements they read in the forward pass; entries in the padding add nothing.
    /// </summary>
    /// <remarks><paramref name="dense"/>: no padding, so every tap of every pixel lies inside the image.</remarks>
    static void AddBlock(float* x, float* product, ConvIndexTable taps, int m0, int mr, ConvIndexTable pixels, int column, int nr,
        in ImageBounds bounds, bool dense)
    {
        for (int half = 0; half < nr; half += 8)
        {
            int* offsets = pixels.Offset + column + half;
            var hs = Vector256.Load(pixels.H + column + half);
            var ws = Vector256.Load(pixels.W + column + half);
            var lanes = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(nr - half)).AsSingle();
            bool run = Vector256.Load(offsets) == Vector256.Create(offsets[0]) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            if (run && dense && nr - half >= 8)
            {
                // Eight consecutive pixels, every tap inside the image: plain vector adds.
                for (int i = 0; i < mr; i++)
                {
                    float* p = x + taps.Offset[m0 + i] + offsets[0];
                    Vector256.Store(Vector256.Load(p) + Vector256.Load(product + i * NR + half), p);
                }
                continue;
            }
            for (int i = 0; i < mr; i++)
            {
                int t = m0 + i;
                var mask = bounds.Inside(hs + Vector256.Create(taps.H[t]), ws + Vector256.Create(taps.W[t])) & lanes;
                float* values = product + i * NR + half;
                float* dst = x + taps.Offset[t];
                if (!run)
                {
                    for (int j = 0; j < 8; j++)
                        if (mask.AsInt32()[j] != 0)
                            dst[offsets[j]] += values[j];
                    continue;
                }
                float* p = dst + offsets[0];
                if (Avx.MoveMask(mask) == 0xFF)
                    Vector256.Store(Vector256.Load(p) + Vector256.Load(values), p);
                else
                    Avx.MaskStore(p, mask, Avx.MaskLoad(p, mask) + Vector256.Load(values));
            }
        }
    }

    /// <summary>gw [OutC, C / groups, KH, KW]: per group GW_g = GY_g [GroupOutC, (n, pixel)] · col_gᵀ, with GY read where gy holds it.</summary>
    public static void BackwardWeight(HostMemory host, ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gw, ConvGeometry g)
    {
        float* gys = (float*)host.Address(gy), gws = (float*)host.Address(gw);
        WithIm2Col(host, x, g, tapRows: false, (group, colT) => NativeGemm.Multiply(
            new StridedA(gys + group * g.GroupOutC * g.OutPixels, g.OutPixels, AxisMap.ImagePixels(g.OutC, g.OutPixels)), colT,
            new GemmOutput(gws + group * g.GroupOutC * g.GroupColRows, g.GroupColRows, AxisMap.Plain(1)),
            g.GroupOutC, g.GroupColRows, g.ColCols, 1f, 0f));
    }

    /// <summary>
    /// Runs <paramref name="product"/>(group, its block of the im2col matrix of <paramref name="image"/>) for
    /// every group (rows taps when <paramref name="tapRows"/>, else pixels). Groups write disjoint outputs, so
    /// small ones (depthwise: one channel each) run on all cores at once; one group runs on the calling thread.
    /// </summary>
    static void WithIm2Col(HostMemory host, ArrayView<float> image, ConvGeometry g, bool tapRows, Action<int, Im2ColB> product)
    {
        float* x = (float*)host.Address(image);
        WithTables(image, g, (taps, pixels) => NativeLoops.For(g.GroupCount, (long)g.GroupOutC * g.GroupColRows * g.ColCols, (begin, end) =>
        {
            for (int group = begin; group < end; group++)
            {
                // NOTE: a group's tap block is followed by the next group's taps, not by padding entries: a partial
                // panel of them packs real values, which the product never writes out (only nr columns are).
                var groupTaps = taps.From(group * g.GroupColRows);
                product(group, tapRows ? new Im2ColB(x, groupTaps, pixels, g, pixelRows: false) : new Im2ColB(x, pixels, groupTaps, g, pixelRows: true));
            }
        }));
    }

    /// <summary>Runs <paramref name="body"/> with the tap and pixel tables of <paramref name="g"/>, built for this call.</summary>
    static void WithTables(ArrayView<float> image, ConvGeometry g, Action<ConvIndexTable, ConvIndexTable> body)
    {
        // NOTE: the tables index the image with 32-bit offsets.
        if (image.Length > int.MaxValue)
            throw new NotSupportedException($"convolution input of {image.Length} elements: the native CPU path indexes at most {int.MaxValue}");
        int tapInts = ConvIndexTable.Storage(g.ColRows);
        var storage = ArrayPool<int>.Shared.Rent(tapInts + ConvIndexTable.Storage(g.ColCols));
        try
        {
            fixed (int* ints = storage)
                body(ConvIndexTable.Taps(ints, g), ConvIndexTable.Pixels(ints + tapInts, g));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(storage);
        }
    }
}
