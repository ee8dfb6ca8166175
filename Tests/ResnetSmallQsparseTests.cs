using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// The golden end-to-end run "resnet_small" (golden/README.md): a small CIFAR-style ResNet built as a user
/// would, converted twice (pruning, then quantization with the input) and trained 30 steps.
/// </summary>
public class ResnetSmallQsparseTests(string kind) : DeviceTest(kind)
{
    /// <summary>The residual block: relu2(bn2(conv2(relu1(bn1(conv1(x))))) + shortcut(x)).</summary>
    sealed class Block : Module
    {
        // Module-typed: Convert wraps the ReLUs into Sequentials and these fields follow.
        readonly Module conv1, bn1, relu1, conv2, bn2, shortcut, relu2;

        public Block(int cin, int cout, int stride, Device device) : base(device)
        {
            conv1 = RegisterModule("conv1", new Conv2d(cin, cout, 3, stride, padding: 1, bias: false, device: device));
            bn1 = RegisterModule("bn1", new BatchNorm2d(cout, device: device));
            relu1 = RegisterModule("relu1", new ReLU(device));
            conv2 = RegisterModule("conv2", new Conv2d(cout, cout, 3, 1, padding: 1, bias: false, device: device));
            bn2 = RegisterModule("bn2", new BatchNorm2d(cout, device: device));
            shortcut = RegisterModule<Module>("shortcut", stride != 1 || cin != cout
                ? new Sequential(new Conv2d(cin, cout, 1, stride, bias: false, device: device), new BatchNorm2d(cout, device: device))
                : new Identity(device));
            relu2 = RegisterModule("relu2", new ReLU(device));
        }

        public override Tensor Forward(Tensor x) =>
            relu2.Call(bn2.Call(conv2.Call(relu1.Call(bn1.Call(conv1.Call(x))))) + shortcut.Call(x));
    }

    static Module Network(Device device) => new Sequential(
        ("stem", new Conv2d(3, 8, 3, 1, padding: 1, bias: false, device: device)), ("bn", new BatchNorm2d(8, device: device)),
        ("relu", new ReLU(device)), ("block1", new Block(8, 8, 1, device)), ("block2", new Block(8, 16, 2, device)),
        ("pool", new AdaptiveAvgPool2d(1, device)), ("flat", new Flatten(device: device)), ("fc", new Linear(16, 10, device: device)));

    static Module Converted(Module net, Device device, int e)
    {
        net = Convert(net, m => m is null
                ? Prune(sparsity: 0.5, start: 3 * e, interval: e, repetition: 2, windowSize: 2, device: device)
                : Prune(m, sparsity: 0.5, start: 3 * e, interval: e, repetition: 2, windowSize: 2),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)], excludedWeights: [(typeof(Conv2d), [0])]);
        net = Convert(net, m => m is null
                ? Quantize(bits: 8, timeout: 2 * e, channelwise: -1, decimalRange: (1, 10), windowSize: 2, device: device)
                : Quantize(m, bits: 8, timeout: 2 * e, channelwise: -1, decimalRange: (1, 10), windowSize: 2),
            weightLayers: [typeof(Conv2d), typeof(Linear)], activationLayers: [typeof(ReLU)], input: true);
        return AutoNamePruneQuantizeLayers(net);
    }

    [Test]
    public void LossesDecimalsMasksLogAndEvaluationMatchTheReference()
    {
        using var log = new CapturingLogger();
        var run = EndToEndGolden.Load("resnet_small");
        var net = Network(Device);
        net.LoadStateDict(EndToEndGolden.InitialState(run.Init));
        var model = Converted(net, Device, run.E);
        using var sgd = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9, weightDecay: 5e-4);
        EndToEndGolden.Train(sgd, EndToEndGolden.Losses(run.Json), step =>
        {
            var (x, y) = run.Batch(Device, step);
            return Functional.NllLoss(Functional.LogSoftmax(model.Call(x), 1), y);
        });
        run.AssertFinal(model, Device, log);
    }
}
