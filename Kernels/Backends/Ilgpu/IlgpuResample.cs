using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Interpolation (nearest, bilinear) and padding (constant, reflect, replicate) of [Planes, H, W], and their
/// backward passes as gathers: each input position sums the outputs that read it in a fixed order
/// (deterministic, no atomics).
/// </summary>
static class IlgpuResample
{
    /// <summary>y[p, oh, ow] = x[p, source(oh), source(ow)].</summary>
    internal readonly struct NearestForwardBody(ArrayView<float> x, ArrayView<float> y, Resample2dShape s) : IElementBody
    {
        public void Run(int o)
        {
            int ow = o % s.Cols.Out, rest = o / s.Cols.Out, oh = rest % s.Rows.Out, plane = rest / s.Rows.Out;
            int h = s.Rows.NearestSource(oh), w = s.Cols.NearestSource(ow);
            y[o] = x[(plane * s.Rows.In + h) * s.Cols.In + w];
        }
    }

    /// <summary>y = (1 − a)·((1 − b)·x[h0, w0] + b·x[h0, w1]) + a·((1 − b)·x[h1, w0] + b·x[h1, w1]), as PyTorch's kernels.</summary>
    internal readonly struct BilinearForwardBody(ArrayView<float> x, ArrayView<float> y, Resample2dShape s) : IElementBody
    {
        public void Run(int o)
        {
            int ow = o % s.Cols.Out, rest = o / s.Cols.Out, oh = rest % s.Rows.Out, plane = rest / s.Rows.Out;
            s.Rows.LinearSource(oh, out int h0, out int h1, out float a);
            s.Cols.LinearSource(ow, out int w0, out int w1, out float b);
            int row0 = (plane * s.Rows.In + h0) * s.Cols.In, row1 = (plane * s.Rows.In + h1) * s.Cols.In;
            y[o] = (1f - a) * ((1f - b) * x[row0 + w0] + b * x[row0 + w1])
                + a * ((1f - b) * x[row1 + w0] + b * x[row1 + w1]);
        }
    }

    /// <summary>
    /// gradIn[p, h, w] = Σ over the output rows oh reading h and columns ow reading w of
    /// weight(oh → h)·weight(ow → w)·gradOut[p, oh, ow]; a source read twice by one output (its i0 = i1) gets both weights.
    /// </summary>
    internal readonly struct InterpolateBackwardBody(ArrayView<float> gradOut, ArrayView<float> gradIn, Resample2dShape s)
        : IElementBody
    {
        public void Run(int i)
        {
            int w = i % s.Cols.In, rest = i / s.Cols.In, h = rest % s.Rows.In, plane = rest / s.Rows.In;
            int firstCol = s.Cols.FirstReader(w, s.Mode);
            float acc = 0f;
            for (int oh = s.Rows.FirstReader(h, s.Mode); oh < s.Rows.Out; oh++)
            {
                s.Rows.Sources(oh, s.Mode, out int h0, out int h1, out float a0, out float a1);
                if (h0 > h)
                    break;
                float rowWeight = (h0 == h ? a0 : 0f) + (h1 == h ? a1 : 0f);
                int outRow = (plane * s.Rows.Out + oh) * s.Cols.Out;
                float rowSum = 0f;
                for (int ow = firstCol; ow < s.Cols.Out; ow++)
                {
                    s.Cols.Sources(ow, s.Mode, out int w0, out int w1, out float b0, out float b1);
                    if (w0 > w)
                        break;
                    rowSum += ((w0 == w ? b0 : 0f) + (w1 == w ? b1 : 0f)) * gradOut[outRow + ow];
                }
                acc += rowWeight * rowSum;
            }
            gradIn[i] = acc;
        }
    }

    /// <summary>y[p, oh, ow] = x at the sources of oh and ow, or the constant where either falls in a constant border.</summary>
    internal readonly struct PadForwardBody(ArrayView<float> x, ArrayView<float> y, Pad2dShape s) : IElementBody
    {
        public void Run(int o)
        {
            int ow = o % s.Cols.Out, rest = o / s.Cols.Out, oh = rest % s.Rows.Out, plane = rest / s.Rows.Out;
            int h = s.Rows.Source(oh, s.Mode), w = s.Cols.Source(ow, s.Mode);
            y[o] = h < 0 || w < 0 ? s.Value : x[(plane * s.Rows.In + h) * s.Cols.In + w];
        }
    }

    /// <summary>gradIn[p, h, w] = Σ gradOut over the outputs that read (h, w): its own and, at the border, its copies.</summary>
    internal readonly struct PadBackwardBody(ArrayView<float> gradOut, ArrayView<float> gradIn, Pad2dShape s) : IElementBody
    {
        public void Run(int i)
        {
            int w = i % s.Cols.In, rest = i / s.Cols.In, h = rest % s.Rows.In, plane = rest / s.Rows.In;
            float acc = 0f;
            for (int rowPart = 0; rowPart < PadAxis.Parts; rowPart++)
            {
                s.Rows.Readers(h, s.Mode, rowPart, out int rowStart, out int rowEnd);
                for (int oh = rowStart; oh < rowEnd; oh++)
                {
                    int outRow = (plane * s.Rows.Out + oh) * s.Cols.Out;
                    for (int colPart = 0; colPart < PadAxis.Parts; colPart++)
                    {
                        s.Cols.Readers(w, s.Mode, colPart, out int colStart, out int colEnd);
                        for (int ow = colStart; ow < colEnd; ow++)
                            acc += gradOut[outRow + ow];
                    }
                }
            }
            gradIn[i] = acc;
        }
    }

    /// <summary>y [Planes, Rows.Out, Cols.Out] from x [Planes, Rows.In, Cols.In].</summary>
    public static void InterpolateForward(Device d, ArrayView<float> x, ArrayView<float> y, Resample2dShape s)
    {
        if (s.Mode == InterpolateMode.Nearest)
            d.ForEach(s.OutputCount, new NearestForwardBody(x, y, s));
        else
            d.ForEach(s.OutputCount, new BilinearForwardBody(x, y, s));
    }

    /// <summary>gradIn [Planes, Rows.In, Cols.In] from gradOut [Planes, Rows.Out, Cols.Out].</summary>
    public static void InterpolateBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Resample2dShape s) =>
        d.ForEach(s.InputCount, new InterpolateBackwardBody(gradOut, gradIn, s));

    /// <summary>y [Planes, Rows.Out, Cols.Out] from x [Planes, Rows.In, Cols.In].</summary>
    public static void PadForward(Device d, ArrayView<float> x, ArrayView<float> y, Pad2dShape s) =>
        d.ForEach(s.OutputCount, new PadForwardBody(x, y, s));

    /// <summary>gradIn [Planes, Rows.In, Cols.In] from gradOut [Planes, Rows.Out, Cols.Out].</summary>
    public static void PadBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Pad2dShape s) =>
        d.ForEach(s.InputCount, new PadBackwardBody(gradOut, gradIn, s));
}
