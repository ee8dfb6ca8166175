namespace QSparse.Nn;

/// <summary>
/// MobileNetV2's inverted residual block as the upstream CIFAR example writes it (qsparse-examples
/// cifar10/mobilenetv2.py, <c>Block</c>: expand + depthwise + pointwise), input [N, in, H, W] →
/// [N, out, H / stride, W / stride]: relu1(q1(p1(bn1(conv1(x))))) with conv1 1×1 to expansion·in channels, then
/// relu2(q2(p2(bn2(conv2(·))))) with conv2 the 3×3 depthwise convolution at <c>stride</c>, then bn3(conv3(·)) with
/// conv3 1×1 to out channels (linear bottleneck), plus shortcut(x) when stride is 1 (empty when in = out, else
/// Sequential(1×1 conv, BatchNorm2d)), then q3(p3(·)). Every convolution is pruned and quantized, p's and q's
/// added, as far as the plan asks (see <see cref="CifarQsparse"/>); p3 and q3 act after the residual add, as upstream.
/// NOTE: printed as upstream's class name, <c>Block</c>; the ReLUs are child modules (relu1, relu2; upstream calls
/// F.relu), and the shortcut is registered (empty) in the stride-2 blocks too, which never call it, as upstream.
/// </summary>
public sealed class InvertedResidual : Module
{
    // NOTE: declared Module: FuseBn replaces the BatchNorms with Identity and unwraps the projection Sequential.
    readonly Module conv1, bn1, relu1, conv2, bn2, relu2, conv3, bn3, shortcut;
    readonly Module? p1, q1, p2, q2, p3, q3;
    readonly int stride;

    /// <summary>A block from <paramref name="inPlanes"/> to <paramref name="outPlanes"/> channels with <paramref name="expansion"/>·<paramref name="inPlanes"/> inside.</summary>
    public InvertedResidual(int inPlanes, int outPlanes, int expansion, int stride, Device? device = null,
        Generator? generator = null, QsparsePlan? plan = null) : base(device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expansion, 1);
        if (stride is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be 1 or 2");
        this.stride = stride;
        var ops = new CifarQsparse(plan);
        Module? Optional(string name, Module? m) => m is null ? null : RegisterModule(name, m);
        Conv2d Conv(int cin, int cout, int kernel, int s = 1, int groups = 1) =>
            ops.Weight(new Conv2d(cin, cout, kernel, s, padding: kernel / 2, groups: groups, bias: false, device: Device, generator: generator));
        int planes = expansion * inPlanes;
        conv1 = RegisterModule("conv1", Conv(inPlanes, planes, 1));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes, device: Device));
        p1 = Optional("p1", ops.ActivationPrune(Device));
        q1 = Optional("q1", ops.ActivationQuantize(Device));
        relu1 = RegisterModule("relu1", new ReLU(Device));
        conv2 = RegisterModule("conv2", Conv(planes, planes, 3, stride, groups: planes));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes, device: Device));
        p2 = Optional("p2", ops.ActivationPrune(Device));
        q2 = Optional("q2", ops.ActivationQuantize(Device));
        relu2 = RegisterModule("relu2", new ReLU(Device));
        conv3 = RegisterModule("conv3", Conv(planes, outPlanes, 1));
        bn3 = RegisterModule("bn3", new BatchNorm2d(outPlanes, device: Device));
        shortcut = RegisterModule("shortcut", stride == 1 && inPlanes != outPlanes
            ? new Sequential(Conv(inPlanes, outPlanes, 1), new BatchNorm2d(outPlanes, device: Device))
            : new Sequential(Array.Empty<Module>()));
        p3 = Optional("p3", ops.ActivationPrune(Device));
        q3 = Optional("q3", ops.ActivationQuantize(Device));
    }

    /// <summary>Upstream's class name.</summary>
    public override string TypeName => "Block";

    public override Tensor Forward(Tensor input)
    {
        var x = relu1.Call(CifarQsparse.Apply(p1, q1, bn1.Call(conv1.Call(input))));
        x = relu2.Call(CifarQsparse.Apply(p2, q2, bn2.Call(conv2.Call(x))));
        x = bn3.Call(conv3.Call(x));
        if (stride == 1)
            x += shortcut.Call(input);
        return CifarQsparse.Apply(p3, q3, x);
    }
}
