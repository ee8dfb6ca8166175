namespace QSparse.Nn;

/// <summary>
/// 2-D transposed convolution (torch.nn.ConvTranspose2d, groups = 1): input [N, in, H, W] →
/// [N, out, Ho, Wo] with Ho = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
/// Weight [in, out, kh, kw], bias [out].
/// </summary>
public class ConvTranspose2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null,
    Size2? padding = null, Size2? outputPadding = null, Size2? dilation = null, bool bias = true,
    Device? device = null, Generator? generator = null)
    : ConvBase(inChannels, outChannels, kernelSize, stride, padding, dilation, outputPadding,
        [inChannels, outChannels, kernelSize.H, kernelSize.W], bias, device, generator)
{
    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, Effective("weight")!, Effective("bias"), Stride, Padding, OutputPadding, Dilation);

    /// <summary>1: the weight is [in, out, kh, kw].</summary>
    public override int WeightOutputDim => 1;
}
