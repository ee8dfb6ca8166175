using QSparse.Nn;
using QSparse.Scheduling;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests.Docs;

/// <summary>Builds, trains, saves, restores and folds docs/tutorial.md's network on synthetic tensors, checking what the document shows.</summary>
public class TutorialDocTests(string kind) : DeviceTest(kind)
{
    const string Doc = "tutorial.md";

    void Expect(ConsoleCapture console, string name) => DocSource.AssertPrints(console.Take(), Doc, name, Kind);

    [Test]
    public void TheTutorialRunsAndPrintsWhatItShows()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin float-net
        Sequential FloatNet(Generator g) => new(
            ("conv1", new Conv2d(1, 32, 3, device: device, generator: g)),
            ("bn1", new BatchNorm2d(32, device: device)),
            ("relu1", new ReLU(device)),
            ("conv2", new Conv2d(32, 64, 3, device: device, generator: g)),
            ("bn2", new BatchNorm2d(64, device: device)),
            ("relu2", new ReLU(device)),
            ("pool", new MaxPool2d(2, device: device)),
            ("dropout1", new Dropout(0.25, g, device)),
            ("flatten", new Flatten(device: device)),
            ("fc1", new Linear(9216, 128, device: device, generator: g)),
            ("bn3", new BatchNorm1d(128, device: device)),
            ("relu3", new ReLU(device)),
            ("dropout2", new Dropout(0.5, g, device)),
            ("fc2", new Linear(128, 10, device: device, generator: g)),
            ("log_softmax", new LogSoftmax(1, device)));

        var images = Tensor.Randn(device, [4, 1, 28, 28], new Generator(0));
        Console.WriteLine($"[{string.Join(", ", FloatNet(new Generator(1)).Forward(images).Shape)}]");
        // doc:end float-net
        Expect(console, "float-net");

        // doc:begin netpq
        // e: training steps per epoch; w: the activations' window size
        Sequential NetPQ(Generator g, int e, int w)
        {
            QuantizeLayer Activations() =>
                Quantize(bits: 8, channelwise: -1, decimalRange: (1, 7), timeout: 3 * e, windowSize: w, device: device);
            PruneLayer Features() =>
                Prune(sparsity: 0.5, start: 4 * e, interval: e, repetition: 3, windowSize: w, device: device);
            T Weights<T>(T layer, int channelwise) where T : Module =>
                Quantize(layer, bits: 8, channelwise: channelwise, timeout: 2 * e, biasBits: 20);
            T Pruned<T>(T layer) where T : Module =>
                Prune(layer, sparsity: 0.5, start: 4 * e, interval: e, repetition: 3);

            return AutoNamePruneQuantizeLayers(new Sequential(
                ("qin", Activations()),
                ("conv1", Weights(new Conv2d(1, 32, 3, device: device, generator: g), channelwise: 1)),
                ("bn1", new BatchNorm2d(32, device: device)),
                ("p1", Features()),
                ("q1", Activations()),
                ("relu1", new ReLU(device)),
                ("conv2", Weights(Pruned(new Conv2d(32, 64, 3, device: device, generator: g)), channelwise: 1)),
                ("bn2", new BatchNorm2d(64, device: device)),
                ("p2", Features()),
                ("q2", Activations()),
                ("relu2", new ReLU(device)),
                ("pool", new MaxPool2d(2, device: device)),
                ("dropout1", new Dropout(0.25, g, device)),
                ("flatten", new Flatten(device: device)),
                ("fc1", Weights(Pruned(new Linear(9216, 128, device: device, generator: g)), channelwise: -1)),
                ("bn3", new BatchNorm1d(128, device: device)),
                ("p3", Features()),
                ("q3", Activations()),
                ("relu3", new ReLU(device)),
                ("dropout2", new Dropout(0.5, g, device)),
                ("fc2", Weights(new Linear(128, 10, device: device, generator: g), channelwise: -1)),
                ("log_softmax", new LogSoftmax(1, device))));
        }
        // doc:end netpq

        // doc:begin train
        const int stepsPerEpoch = 2, epochs = 6;
        var data = new Generator(2);
        var batches = Enumerable.Range(0, stepsPerEpoch).Select(_ => (
            Images: Tensor.Randn(device, [4, 1, 28, 28], data),
            Labels: Tensor.FromArray(device, [0, 3, 7, 9], 4))).ToList();

        var model = NetPQ(new Generator(1), stepsPerEpoch, w: 2);
        var optimizer = new Adadelta(model.Parameters(), lr: 1.0);
        var scheduler = new StepLR(1.0, stepSize: 1, gamma: 0.7);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            optimizer.Lr = scheduler.Lr;
            model.Train();
            foreach (var (x, y) in batches)
            {
                using var scope = new TensorScope();
                var loss = Functional.NllLoss(model.Forward(x), y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
            }
            scheduler.Step();
            Console.WriteLine($"epoch {epoch} done, lr {optimizer.Lr:F4}");
        }
        // doc:end train
        Expect(console, "train");

        // doc:begin checkpoint
        var path = Path.Combine(Path.GetTempPath(), "netpq.safetensors");
        Checkpoint.Save(path, model, optimizer);

        var restored = NetPQ(new Generator(99), stepsPerEpoch, w: 2);
        var restoredOptimizer = new Adadelta(restored.Parameters(), lr: 1.0);
        Checkpoint.Load(path, restored, restoredOptimizer);

        model.Eval();
        restored.Eval();
        var test = Tensor.Randn(device, [8, 1, 28, 28], new Generator(3));
        bool same = model.Forward(test).ToArray<float>().SequenceEqual(restored.Forward(test).ToArray<float>());
        Console.WriteLine($"restored outputs identical: {same}");
        foreach (var (name, layer) in restored.NamedModules())
            if (layer is PruneLayer p)
                Console.WriteLine($"{name}: sparsity {p.CurrentSparsity:F2}");
        // doc:end checkpoint
        Expect(console, "checkpoint");

        // doc:begin fuse-bn
        var floatModel = FloatNet(new Generator(1));
        floatModel.Forward(images); // one training step's worth of running statistics
        floatModel.Eval();
        var before = floatModel.Forward(test).ToArray<float>();
        FuseBn(floatModel);
        var after = floatModel.Forward(test).ToArray<float>();
        Console.WriteLine(string.Join(" ", floatModel.NamedChildren().Select(c => c.Module.TypeName)));
        Console.WriteLine($"outputs changed by less than 1e-4: {before.Zip(after, (a, b) => Math.Abs(a - b)).Max() < 1e-4}");
        // doc:end fuse-bn
        Expect(console, "fuse-bn");
    }
}
