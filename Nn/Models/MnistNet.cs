namespace QSparse.Nn;

/// <summary>
/// The seed's MNIST network in full precision (SPEC.md §11), named like PyTorch's MNIST example:
/// conv1(1→32, 3) → bn1 → relu → conv2(32→64, 3) → bn2 → relu → maxpool(2) → dropout1(0.25) →
/// flatten → fc1(9216→128) → bn3 → relu → dropout2(0.5) → fc2(128→10) → log_softmax.
/// Input [N, 1, 28, 28], output log-probabilities [N, 10].
/// </summary>
public sealed class MnistNet : Module
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;
    readonly BatchNorm1d bn3;
    readonly Dropout dropout1, dropout2;
    readonly Linear fc1, fc2;

    public MnistNet(Device? device = null, Generator? generator = null) : base(device)
    {
        conv1 = RegisterModule("conv1", new Conv2d(1, 32, 3, device: Device, generator: generator));
        bn1 = RegisterModule("bn1", new BatchNorm2d(32, device: Device));
        conv2 = RegisterModule("conv2", new Conv2d(32, 64, 3, device: Device, generator: generator));
        bn2 = RegisterModule("bn2", new BatchNorm2d(64, device: Device));
        dropout1 = RegisterModule("dropout1", new Dropout(0.25, generator, Device));
        fc1 = RegisterModule("fc1", new Linear(9216, 128, device: Device, generator: generator));
        bn3 = RegisterModule("bn3", new BatchNorm1d(128, device: Device));
        dropout2 = RegisterModule("dropout2", new Dropout(0.5, generator, Device));
        fc2 = RegisterModule("fc2", new Linear(128, 10, device: Device, generator: generator));
    }

    public override Tensor Forward(Tensor input)
    {
        var x = bn1.Forward(conv1.Forward(input)).Relu();
        x = bn2.Forward(conv2.Forward(x)).Relu();
        x = dropout1.Forward(Functional.MaxPool2d(x, 2)).Flatten(1);
        x = dropout2.Forward(bn3.Forward(fc1.Forward(x)).Relu());
        return Functional.LogSoftmax(fc2.Forward(x), 1);
    }
}
