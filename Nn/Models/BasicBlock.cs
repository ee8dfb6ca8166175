namespace QSparse.Nn;

/// <summary>
/// The CIFAR ResNet's residual block (kuangliu/pytorch-cifar's <c>BasicBlock</c>, expansion 1), input
/// [N, in, H, W] → [N, out, H / stride, W / stride]:
/// relu2(q2(p2(bn2(conv2(relu1(q1(p1(bn1(conv1(x))))))) + shortcut(x)))), with conv1 3×3 at
/// <c>stride</c>, conv2 3×3, both without bias, and the shortcut empty (identity) when the shape is kept, else the
/// projection Sequential(1×1 conv at <c>stride</c>, BatchNorm2d) (He et al.'s option B). The QSPARSE parts
/// (p1, q1, p2, q2 and the weights' prune/quantize, all three convolutions included) are there only when the
/// plan asks for them (see <see cref="CifarQsparse"/>); p2 and q2 act on the residual sum, before the ReLU, as the
/// example's MobileNetV2 block puts its p3/q3 after its residual add.
/// NOTE: the ReLUs are child modules here (PyTorch's block calls F.relu), so the printed block shows
/// (relu1) and (relu2) and a <see cref="ModelTrace"/> sees them; the state-dict keys are PyTorch's.
/// </summary>
public sealed class BasicBlock : Module
{
    // NOTE: declared Module: FuseBn replaces the BatchNorms with Identity and unwraps the projection Sequential.
    readonly Module conv1, bn1, relu1, conv2, bn2, shortcut, relu2;
    readonly Module? p1, q1, p2, q2;

    /// <summary>A block from <paramref name="inPlanes"/> to <paramref name="planes"/> channels, initialised from <paramref name="generator"/>.</summary>
    public BasicBlock(int inPlanes, int planes, int stride = 1, Device? device = null, Generator? generator = null,
        QsparsePlan? plan = null) : base(device)
    {
        var ops = new CifarQsparse(plan);
        Module? Optional(string name, Module? m) => m is null ? null : RegisterModule(name, m);
        conv1 = RegisterModule("conv1", ops.Weight(new Conv2d(inPlanes, planes, 3, stride, padding: 1, bias: false, device: Device, generator: generator)));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes, device: Device));
        p1 = Optional("p1", ops.ActivationPrune(Device));
        q1 = Optional("q1", ops.ActivationQuantize(Device));
        relu1 = RegisterModule("relu1", new ReLU(Device));
        conv2 = RegisterModule("conv2", ops.Weight(new Conv2d(planes, planes, 3, 1, padding: 1, bias: false, device: Device, generator: generator)));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes, device: Device));
        shortcut = RegisterModule("shortcut", stride != 1 || inPlanes != planes
            ? new Sequential(ops.Weight(new Conv2d(inPlanes, planes, 1, stride, bias: false, device: Device, generator: generator)),
                new BatchNorm2d(planes, device: Device))
            : new Sequential(Array.Empty<Module>()));
        p2 = Optional("p2", ops.ActivationPrune(Device));
        q2 = Optional("q2", ops.ActivationQuantize(Device));
        relu2 = RegisterModule("relu2", new ReLU(Device));
    }

    public override Tensor Forward(Tensor input)
    {
        var x = relu1.Call(CifarQsparse.Apply(p1, q1, bn1.Call(conv1.Call(input))));
        var sum = bn2.Call(conv2.Call(x)) + shortcut.Call(input);
        return relu2.Call(CifarQsparse.Apply(p2, q2, sum));
    }
}
