using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Max pooling that saves the argmax, and its backward as a gather (deterministic, no atomics).</summary>
static class IlgpuPooling
{
    /// <summary>y = the window maximum; indices = its position h·W + w in the plane.</summary>
    internal readonly struct MaxForwardBody(ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices,
        Pool2dShape s) : IElementBody
    {
        public void Run(int o)
        {
            int ow = o % s.OutW, rest = o / s.OutW, oh = rest % s.OutH, plane = rest / s.OutH;
            int h0 = oh * s.StrideH - s.PadH, w0 = ow * s.StrideW - s.PadW;
            // Padded start: skip whole dilation steps that fall before the input.
            while (h0 < 0) h0 += s.DilationH;
            while (w0 < 0) w0 += s.DilationW;
            int hEnd = oh * s.StrideH - s.PadH + (s.KernelH - 1) * s.DilationH + 1;
            int wEnd = ow * s.StrideW - s.PadW + (s.KernelW - 1) * s.DilationW + 1;
            if (hEnd > s.H) hEnd = s.H;
            if (wEnd > s.W) wEnd = s.W;
            int baseOffset = plane * s.H * s.W;
            float best = float.NegativeInfinity;
            int bestIndex = h0 * s.W + w0;
            for (int h = h0; h < hEnd; h += s.DilationH)
            {
                for (int w = w0; w < wEnd; w += s.DilationW)
                {
                    float v = x[baseOffset + h * s.W + w];
                    // NOTE: strict '>' keeps the first maximum on ties; a NaN wins, as in PyTorch.
                    if (v > best || float.IsNaN(v))
                    {
                        best = v;
                        bestIndex = h * s.W + w;
                    }
                }
            }
            y[o] = best;
            indices[o] = bestIndex;
        }
    }

    /// <summary>
    /// gradIn at (h, w) sums gradOut over the windows that contain it and chose it, visiting them in a
    /// fixed order: each input position gathers instead of each window scattering.
    /// </summary>
    internal readonly struct MaxBackwardBody(ArrayView<float> gradOut, ArrayView<int> indices,
        ArrayView<float> gradIn, Pool2dShape s) : IElementBody
    {
        public void Run(int i)
        {
            int w = i % s.W, rest = i / s.W, h = rest % s.H, plane = rest / s.H;
            int self = h * s.W + w, outBase = plane * s.OutH * s.OutW;
            float acc = 0f;
            for (int kh = 0; kh < s.KernelH; kh++)
            {
                int th = h + s.PadH - kh * s.DilationH;
                if (th < 0 || th % s.StrideH != 0 || th / s.StrideH >= s.OutH)
                    continue;
                int oh = th / s.StrideH;
                for (int kw = 0; kw < s.KernelW; kw++)
                {
                    int tw = w + s.PadW - kw * s.DilationW;
                    if (tw < 0 || tw % s.StrideW != 0 || tw / s.StrideW >= s.OutW)
                        continue;
                    int o = outBase + oh * s.OutW + tw / s.StrideW;
                    if (indices[o] == self)
                        acc += gradOut[o];
                }
            }
            gradIn[i] = acc;
        }
    }

    /// <summary>y and indices [Planes, OutH, OutW] from x [Planes, H, W].</summary>
    public static void MaxForward(Device d, ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s) =>
        d.ForEach(s.OutputCount, new MaxForwardBody(x, y, indices, s));

    /// <summary>gradIn [Planes, H, W] from gradOut and the forward's indices [Planes, OutH, OutW].</summary>
    public static void MaxBackward(Device d, ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn,
        Pool2dShape s) =>
        d.ForEach((int)gradIn.Length, new MaxBackwardBody(gradOut, indices, gradIn, s));
}
