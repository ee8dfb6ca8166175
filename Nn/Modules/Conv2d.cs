namespace QSparse.Nn;

/// <summary>
/// 2-D convolution (torch.nn.Conv2d, groups = 1): input [N, in, H, W] → [N, out, Ho, Wo]. Weight
/// [out, in, kh, kw], bias [out]. Sizes are an int or an (h, w) tuple: <c>new Conv2d(1, 32, 3, padding: (1, 0))</c>.
/// </summary>
public class Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
    Size2? dilation = null, bool bias = true, Device? device = null, Generator? generator = null)
    : ConvBase(inChannels, outChannels, kernelSize, stride, padding, dilation, null,
        [outChannels, inChannels, kernelSize.H, kernelSize.W], bias, device, generator)
{
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Effective("weight")!, Effective("bias"), Stride, Padding, Dilation);
}
