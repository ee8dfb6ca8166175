namespace QSparse.Host.Benchmarks;

/// <summary>
/// pix2pix's U-Net skip block: down (LeakyReLU 0.2, conv 4×4 stride 2, batch norm), the inner block, up (ReLU,
/// transposed conv 4×4 stride 2, batch norm, optional dropout), the input concatenated before the result. The
/// outermost has no activation or norm on the way down, tanh on the way up and no concatenation; the innermost
/// has no norm on the way down and no inner block.
/// </summary>
sealed class UnetSkipBlock : Module
{
    readonly Module model;
    readonly bool outermost;

    public UnetSkipBlock(int outer, int inner, int input, UnetSkipBlock? sub, bool outermost, bool dropout, Device device, Generator generator)
        : base(device)
    {
        this.outermost = outermost;
        var down = new Conv2d(input, inner, 4, 2, padding: 1, bias: false, device: device);
        var layers = new List<Module>();
        if (outermost)
            layers.AddRange([down, sub!, new ReLU(device), new ConvTranspose2d(inner * 2, outer, 4, 2, padding: 1, device: device), new Tanh(device)]);
        else if (sub == null)
            layers.AddRange([new LeakyReLU(0.2, device), down, new ReLU(device),
                new ConvTranspose2d(inner, outer, 4, 2, padding: 1, bias: false, device: device), new BatchNorm2d(outer, device: device)]);
        else
        {
            layers.AddRange([new LeakyReLU(0.2, device), down, new BatchNorm2d(inner, device: device), sub, new ReLU(device),
                new ConvTranspose2d(inner * 2, outer, 4, 2, padding: 1, bias: false, device: device), new BatchNorm2d(outer, device: device)]);
            if (dropout)
                layers.Add(new Dropout(0.5, generator, device));
        }
        model = RegisterModule("model", new Sequential([.. layers]));
    }

    public override Tensor Forward(Tensor x) => outermost ? model.Call(x) : Tensor.Cat([x, model.Call(x)], 1);
}
