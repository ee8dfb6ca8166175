using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// 2-D convolution as im2col + GEMM. The column matrix is [C·KH·KW, N·OutH·OutW], so each pass is one
/// GEMM over every image (with groups, a batch of one GEMM per group on its block of col rows and its
/// channels): forward then permutes [OutC, N, P] to [N, OutC, P], backward-weight takes
/// K = N·OutH·OutW, and backward-data's GEMM is followed by col2im. col2im gathers (each
/// input pixel sums the column entries that read it) instead of scattering with atomics, so every
/// result is deterministic. A transposed convolution's forward is this convolution's backward-data.
/// The "cpu" device's native path (<see cref="NativeConv"/>) runs the same passes as GEMMs that read the
/// column matrix straight from the image and write where the result lives: no col, permute or col2im.
/// </summary>
static class IlgpuConv
{
    /// <summary>
    /// col[(c, ki, kj), (n, oh, ow)] = x[n, c, oh·s − p + ki·d, ow·s − p + kj·d], 0 in the padding.
    /// One item is a run of OutW columns (fixed row, n, oh): the index arithmetic is paid once per run,
    /// not per element, which is what the CPU accelerator needs.
    /// </summary>
    internal readonly struct Im2ColBody(ArrayView<float> x, ArrayView<float> col, ConvGeometry g) : IElementBody
    {
        public void Run(int item)
        {
            int cols = g.ColCols;
            int oh = item % g.OutH, rest = item / g.OutH, n = rest % g.N, row = rest / g.N;
            int kj = row % g.KW;
            rest = row / g.KW;
            int ki = rest % g.KH, c = rest / g.KH;
            int h = oh * g.StrideH - g.PadH + ki * g.DilationH;
            int outBase = row * cols + (n * g.OutH + oh) * g.OutW;
            int inBase = ((n * g.C + c) * g.H + h) * g.W;
            bool rowInside = h >= 0 && h < g.H;
            int w = kj * g.DilationW - g.PadW;
            for (int ow = 0; ow < g.OutW; ow++, w += g.StrideW)
                col[outBase + ow] = rowInside && w >= 0 && w < g.W ? x[inBase + w] : 0f;
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2ColBody"/>: x[n, c, h, w] = Σ col[(c, ki, kj), (n, oh, ow)] over
    /// every (ki, kj) whose tap lands on (h, w), added onto x when <paramref name="accumulate"/> is 1.
    /// </summary>
    internal readonly struct Col2ImBody(ArrayView<float> col, ArrayView<float> x, ConvGeometry g, int accumulate)
        : IElementBody
    {
        public void Run(int i)
        {
            int cols = g.ColCols;
            int w = i % g.W, rest = i / g.W, h = rest % g.H;
            rest /= g.H;
            int c = rest % g.C, n = rest / g.C;
            float acc = 0f;
            for (int ki = 0; ki < g.KH; ki++)
            {
                // Output row oh reads input row h through tap ki when oh·s = h + p − ki·d.
                int th = h + g.PadH - ki * g.DilationH;
                if (th < 0 || th % g.StrideH != 0) continue;
                int oh = th / g.StrideH;
                if (oh >= g.OutH) continue;
                for (int kj = 0; kj < g.KW; kj++)
                {
                    int tw = w + g.PadW - kj * g.DilationW;
                    if (tw < 0 || tw % g.StrideW != 0) continue;
                    int ow = tw / g.StrideW;
                    if (ow >= g.OutW) continue;
                    int row = (c * g.KH + ki) * g.KW + kj;
                    acc += col[row * cols + (n * g.OutH + oh) * g.OutW + ow];
                }
            }
            x[i] = accumulate != 0 ? x[i] + acc : acc;
        }
    }

    /// <summary>Unfolds x [N, C, H, W] into col [C·KH·KW, N·OutH·OutW].</summary>
    public static void Im2Col(Device d, ArrayView<float> x, ArrayView<float> col, ConvGeometry g) =>
        d.ForEach(g.ColRows * g.N * g.OutH, new Im2ColBody(x, col, g));

    /// <summary>Folds col [C·KH·KW, N·OutH·OutW] back into x [N, C, H, W], summing overlaps (or adding onto x).</summary>
    public static void Col2Im(Device d, ArrayView<float> col, ArrayView<float> x, ConvGeometry g, bool accumulate = false) =>
        d.ForEach(g.N * g.C * g.H * g.W, new Col2ImBody(col, x, g, accumulate ? 1 : 0));

    /// <summary>y [N, OutC, OutH, OutW] = conv(x [N, C, H, W], w [OutC, C / groups, KH, KW]) + bias [OutC].</summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias,
        ArrayView<float> y, ConvGeometry g)
    {
        var scratch = RentScratch(d, g, out var col, out var yByChannel);
        try
        {
            Im2Col(d, x, col, g);
            if (bias is { } b)
                BroadcastChannels(d, b, yByChannel, 1, g.OutC, g.ColCols);
            // NOTE: one GEMM over every image (N = batch·OutH·OutW), not one per image: with M = OutC
            // as small as 32 or 64, per-image products leave the GEMM far below its square-matrix rate.
            // Per group: Y'_g (GroupOutC × N·P) = W_g (GroupOutC × GroupColRows) · col_g (GroupColRows × N·P).
            GemmKernels.Gemm(d, w, col, yByChannel, new GemmShape
            {
                Batch = g.GroupCount, M = g.GroupOutC, N = g.ColCols, K = g.GroupColRows,
                ABatch = g.GroupOutC * g.GroupColRows, AM = g.GroupColRows, AK = 1,
                BBatch = g.GroupColRows * g.ColCols, BK = g.ColCols, BN = 1,
                CBatch = g.GroupOutC * g.ColCols, CM = g.ColCols, CN = 1,
                Alpha = 1, Beta = bias.HasValue ? 1 : 0,
            });
            // Y' [OutC, N, P] → y [N, OutC, P].
            CopyKernels.StridedCopy(d, yByChannel, y, g.N * g.OutC * g.OutPixels,
                Broadcast.Create([g.N, g.OutC, g.OutPixels], [g.OutPixels, g.ColCols, 1], [g.OutC * g.OutPixels, g.OutPixels, 1], false));
        }
        finally
        {
            d.Pool.Return(scratch);
        }
    }

    /// <summary>
    /// x [N, C, H, W] = convᵀ(gy [N, OutC, OutH, OutW], w [OutC, C / groups, KH, KW]) + bias [C]: the gradient
    /// of <see cref="Forward"/> with respect to its input, and the forward pass of a transposed convolution.
    /// </summary>
    public static void BackwardData(Device d, ArrayView<float> gy, ArrayView<float> w, ArrayView<float>? bias,
        ArrayView<float> x, ConvGeometry g)
    {
        if (bias is { } b)
            BroadcastChannels(d, b, x, g.N, g.C, g.H * g.W);
        var scratch = RentScratch(d, g, out var col, out var gyByChannel);
        try
        {
            ToChannelMajor(d, gy, gyByChannel, g);
            // Per group, one GEMM over every image: col_g (GroupColRows × N·P) = W_gᵀ (GroupColRows × GroupOutC) · GY'_g (GroupOutC × N·P).
            GemmKernels.Gemm(d, w, gyByChannel, col, new GemmShape
            {
                Batch = g.GroupCount, M = g.GroupColRows, N = g.ColCols, K = g.GroupOutC,
                ABatch = g.GroupOutC * g.GroupColRows, AM = 1, AK = g.GroupColRows,
                BBatch = g.GroupOutC * g.ColCols, BK = g.ColCols, BN = 1,
                CBatch = g.GroupColRows * g.ColCols, CM = g.ColCols, CN = 1,
                Alpha = 1, Beta = 0,
            });
            Col2Im(d, col, x, g, accumulate: bias.HasValue);
        }
        finally
        {
            d.Pool.Return(scratch);
        }
    }

    /// <summary>gw [OutC, C / groups, KH, KW] = the gradient of <see cref="Forward"/> with respect to w, given x and gy.</summary>
    public static void BackwardWeight(Device d, ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gw, ConvGeometry g)
    {
        var scratch = RentScratch(d, g, out var col, out var gyByChannel);
        try
        {
            Im2Col(d, x, col, g);
            ToChannelMajor(d, gy, gyByChannel, g);
            // Per group: GW_g (GroupOutC × GroupColRows) = GY'_g (GroupOutC × N·P) · col_gᵀ (N·P × GroupColRows).
            GemmKernels.Gemm(d, gyByChannel, col, gw, new GemmShape
            {
                Batch = g.GroupCount, M = g.GroupOutC, N = g.GroupColRows, K = g.ColCols,
                ABatch = g.GroupOutC * g.ColCols, AM = g.ColCols, AK = 1,
                BBatch = g.GroupColRows * g.ColCols, BK = 1, BN = g.ColCols,
                CBatch = g.GroupOutC * g.GroupColRows, CM = g.GroupColRows, CN = 1,
                Alpha = 1, Beta = 0,
            });
        }
        finally
        {
            d.Pool.Return(scratch);
        }
    }

    /// <summary>
    /// One pooled buffer holding the column matrix [C·KH·KW, N·P] and a channel-major output-sized
    /// matrix [OutC, N·P]; give it back with <c>d.Pool.Return</c>.
    /// </summary>
    static ILGPU.Runtime.MemoryBuffer1D<byte, ILGPU.Stride1D.Dense> RentScratch(Device d, ConvGeometry g,
        out ArrayView<float> col, out ArrayView<float> byChannel)
    {
        long colLength = (long)g.ColRows * g.ColCols, channelLength = (long)g.OutC * g.ColCols;
        var scratch = d.Pool.Rent((colLength + channelLength) * sizeof(float));
        var all = scratch.As<float>(colLength + channelLength);
        col = all.SubView(0, colLength);
        byChannel = all.SubView(colLength, channelLength);
        return scratch;
    }

    /// <summary>gy [N, OutC, P] → [OutC, N, P], so that N·P is one contiguous dimension of a single GEMM.</summary>
    static void ToChannelMajor(Device d, ArrayView<float> gy, ArrayView<float> gyByChannel, ConvGeometry g) =>
        CopyKernels.StridedCopy(d, gy, gyByChannel, g.OutC * g.ColCols,
            Broadcast.Create([g.OutC, g.N, g.OutPixels], [g.OutPixels, g.OutC * g.OutPixels, 1], [g.ColCols, g.OutPixels, 1], false));

    /// <summary>y [n, channels, pixels] = bias[channel]: the starting value a GEMM or col2im then adds onto.</summary>
    static void BroadcastChannels(Device d, ArrayView<float> bias, ArrayView<float> y, int n, int channels, int pixels) =>
        CopyKernels.StridedCopy(d, bias, y, n * channels * pixels,
            Broadcast.Create([n, channels, pixels], [0, 1, 0], [channels * pixels, pixels, 1], false));
}
