namespace QSparse.Host.Benchmarks;

/// <summary>ResNet's basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), a 1×1 conv shortcut where the shape changes.</summary>
sealed class ResidualBlock : Module
{
    // Module-typed: Convert wraps the ReLUs into Sequentials and these fields follow.
    readonly Module body, shortcut, relu;

    public ResidualBlock(int cin, int cout, int stride, Device device) : base(device)
    {
        body = RegisterModule("body", new Sequential(
            new Conv2d(cin, cout, 3, stride, padding: 1, bias: false, device: device), new BatchNorm2d(cout, device: device),
            new ReLU(device), new Conv2d(cout, cout, 3, 1, padding: 1, bias: false, device: device), new BatchNorm2d(cout, device: device)));
        shortcut = RegisterModule<Module>("shortcut", stride != 1 || cin != cout
            ? new Sequential(new Conv2d(cin, cout, 1, stride, bias: false, device: device), new BatchNorm2d(cout, device: device))
            : new Identity(device));
        relu = RegisterModule("relu", new ReLU(device));
    }

    public override Tensor Forward(Tensor x) => relu.Call(body.Call(x) + shortcut.Call(x));
}
