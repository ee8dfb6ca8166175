namespace QSparse.Host.Benchmarks;

/// <summary>
/// MobileNetV2's block: 1×1 expansion (when <c>expand</c> &gt; 1), 3×3 depthwise conv, 1×1 projection, each with
/// batch norm, ReLU6 after the first two; plus the input where the shape is kept.
/// </summary>
sealed class InvertedResidual : Module
{
    readonly Module body;
    readonly bool residual;

    public InvertedResidual(int cin, int cout, int stride, int expand, Device device) : base(device)
    {
        int hidden = cin * expand;
        var layers = new List<Module>();
        if (expand != 1)
            layers.AddRange([new Conv2d(cin, hidden, 1, bias: false, device: device), new BatchNorm2d(hidden, device: device), new ReLU6(device)]);
        layers.AddRange([
            new Conv2d(hidden, hidden, 3, stride, padding: 1, groups: hidden, bias: false, device: device), new BatchNorm2d(hidden, device: device),
            new ReLU6(device), new Conv2d(hidden, cout, 1, bias: false, device: device), new BatchNorm2d(cout, device: device),
        ]);
        body = RegisterModule("conv", new Sequential([.. layers]));
        residual = stride == 1 && cin == cout;
    }

    public override Tensor Forward(Tensor x) => residual ? x + body.Call(x) : body.Call(x);
}
