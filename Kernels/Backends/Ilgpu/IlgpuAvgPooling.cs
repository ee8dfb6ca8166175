using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Average and adaptive average pooling, forward and backward. The backward passes gather: each input
/// position sums over the windows that contain it in a fixed order (deterministic, no atomics).
/// </summary>
static class IlgpuAvgPooling
{
    /// <summary>y = the window's sum (row-major, in float as PyTorch's CPU kernel) over its divisor; 0 for a window of padding only.</summary>
    internal readonly struct AvgForwardBody(ArrayView<float> x, ArrayView<float> y, Pool2dShape s) : IElementBody
    {
        public void Run(int o)
        {
            int ow = o % s.OutW, rest = o / s.OutW, oh = rest % s.OutH, plane = rest / s.OutH;
            int h0 = oh * s.StrideH - s.PadH, w0 = ow * s.StrideW - s.PadW;
            int h1 = h0 + s.KernelH, w1 = w0 + s.KernelW;
            if (h0 < 0) h0 = 0;
            if (w0 < 0) w0 = 0;
            if (h1 > s.H) h1 = s.H;
            if (w1 > s.W) w1 = s.W;
            if (h0 >= h1 || w0 >= w1)
            {
                y[o] = 0f;
                return;
            }
            int baseOffset = plane * s.H * s.W;
            float sum = 0f;
            for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    sum += x[baseOffset + h * s.W + w];
            y[o] = sum / s.AvgDivisor(oh, ow);
        }
    }

    /// <summary>gradIn at (h, w) = Σ gradOut(oh, ow)/divisor(oh, ow) over the windows whose rows and columns cover it.</summary>
    internal readonly struct AvgBackwardBody(ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) : IElementBody
    {
        public void Run(int i)
        {
            int w = i % s.W, rest = i / s.W, h = rest % s.H, plane = rest / s.H;
            // Window o starts at o·stride - pad and covers kernel rows: o in [ceil((h + pad - kernel + 1)/stride), floor((h + pad)/stride)].
            int ohBegin = FirstWindow(h + s.PadH - s.KernelH + 1, s.StrideH), ohEnd = LastWindow(h + s.PadH, s.StrideH, s.OutH);
            int owBegin = FirstWindow(w + s.PadW - s.KernelW + 1, s.StrideW), owEnd = LastWindow(w + s.PadW, s.StrideW, s.OutW);
            int outBase = plane * s.OutH * s.OutW;
            float acc = 0f;
            for (int oh = ohBegin; oh < ohEnd; oh++)
                for (int ow = owBegin; ow < owEnd; ow++)
                    acc += gradOut[outBase + oh * s.OutW + ow] / s.AvgDivisor(oh, ow);
            gradIn[i] = acc;
        }

        /// <summary>ceil(t/stride), at least 0.</summary>
        static int FirstWindow(int t, int stride) => t <= 0 ? 0 : (t + stride - 1) / stride;

        /// <summary>One past floor(t/stride), at most <paramref name="count"/>.</summary>
        static int LastWindow(int t, int stride, int count)
        {
            int last = t / stride + 1;
            return last < count ? last : count;
        }
    }

    /// <summary>y = the mean of adaptive window (oh, ow): the sum over kh then over kw, as PyTorch's CPU kernel divides.</summary>
    internal readonly struct AdaptiveForwardBody(ArrayView<float> x, ArrayView<float> y, Pool2dShape s) : IElementBody
    {
        public void Run(int o)
        {
            int ow = o % s.OutW, rest = o / s.OutW, oh = rest % s.OutH, plane = rest / s.OutH;
            int h0 = Pool2dShape.AdaptiveStart(oh, s.H, s.OutH), h1 = Pool2dShape.AdaptiveEnd(oh, s.H, s.OutH);
            int w0 = Pool2dShape.AdaptiveStart(ow, s.W, s.OutW), w1 = Pool2dShape.AdaptiveEnd(ow, s.W, s.OutW);
            int baseOffset = plane * s.H * s.W;
            float sum = 0f;
            for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++)
                    sum += x[baseOffset + h * s.W + w];
            y[o] = sum / (h1 - h0) / (w1 - w0);
        }
    }

    /// <summary>
    /// gradIn at (h, w) = Σ gradOut(oh, ow)/kh/kw over the adaptive windows that contain it: the windows
    /// oh in [floor(h·OutH/H), ceil((h + 1)·OutH/H)), the same formulas with the sizes swapped (likewise columns).
    /// </summary>
    internal readonly struct AdaptiveBackwardBody(ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) : IElementBody
    {
        public void Run(int i)
        {
            int w = i % s.W, rest = i / s.W, h = rest % s.H, plane = rest / s.H;
            int ohBegin = Pool2dShape.AdaptiveStart(h, s.OutH, s.H), ohEnd = Pool2dShape.AdaptiveEnd(h, s.OutH, s.H);
            int owBegin = Pool2dShape.AdaptiveStart(w, s.OutW, s.W), owEnd = Pool2dShape.AdaptiveEnd(w, s.OutW, s.W);
            int outBase = plane * s.OutH * s.OutW;
            float acc = 0f;
            for (int oh = ohBegin; oh < ohEnd; oh++)
            {
                int kh = Pool2dShape.AdaptiveEnd(oh, s.H, s.OutH) - Pool2dShape.AdaptiveStart(oh, s.H, s.OutH);
                for (int ow = owBegin; ow < owEnd; ow++)
                {
                    int kw = Pool2dShape.AdaptiveEnd(ow, s.W, s.OutW) - Pool2dShape.AdaptiveStart(ow, s.W, s.OutW);
                    acc += gradOut[outBase + oh * s.OutW + ow] / kh / kw;
                }
            }
            gradIn[i] = acc;
        }
    }

    /// <summary>y [Planes, OutH, OutW] from x [Planes, H, W].</summary>
    public static void AvgForward(Device d, ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        d.ForEach(s.OutputCount, new AvgForwardBody(x, y, s));

    /// <summary>gradIn [Planes, H, W] from gradOut [Planes, OutH, OutW].</summary>
    public static void AvgBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        d.ForEach((int)gradIn.Length, new AvgBackwardBody(gradOut, gradIn, s));

    /// <summary>y [Planes, OutH, OutW] from x [Planes, H, W].</summary>
    public static void AdaptiveForward(Device d, ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        d.ForEach(s.OutputCount, new AdaptiveForwardBody(x, y, s));

    /// <summary>gradIn [Planes, H, W] from gradOut [Planes, OutH, OutW].</summary>
    public static void AdaptiveBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        d.ForEach((int)gradIn.Length, new AdaptiveBackwardBody(gradOut, gradIn, s));
}
