using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// Convert's choice of layers as the reference's convert makes it: indexes excluded per layer type,
/// separately for weights and activations, negative ones counted from the end, and its log lines.
/// </summary>
public class ConvertExclusionTests(string kind) : DeviceTest(kind)
{
    Sequential Model() => new(
        ("conv", new Conv2d(1, 2, 3, device: Device)), ("relu", new ReLU(Device)),
        ("body", new Sequential(new Conv2d(2, 2, 3, device: Device), new ReLU(Device), new Conv2d(2, 2, 1, device: Device))),
        ("relu2", new ReLU(Device)), ("flat", new Flatten(device: Device)), ("fc", new Linear(8, 3, device: Device)));

    static string[] Converted(Module model) => model.StateDict().Select(kv => kv.Key).Where(k => k.EndsWith(".decimal")).ToArray();

    [Test]
    public void ExcludedIndexesArePerTypeAndPerPassAndTheLogSaysWhat()
    {
        using var log = new CapturingLogger();
        var model = Convert(Model(), m => m is null ? Quantize(device: Device) : Quantize(m),
            weightLayers: [typeof(Conv2d), typeof(Linear)], activationLayers: [typeof(ReLU)],
            excludedWeights: [(typeof(Conv2d), [0, -1])], excludedActivations: [(typeof(ReLU), [-2])], log: true);
        Assert.That(Converted(model), Is.EqualTo(new[]
        {
            "relu.1.decimal", "body.0.quantize.decimal", "relu2.1.decimal", "fc.quantize.decimal",
        }));
        Assert.That(log.Lines, Is.EqualTo(new[]
        {
            "Exclude .conv weight", "Apply `quantize` on the .body..0 weight", "Exclude .body..2 weight",
            "Apply `quantize` on the .fc weight",
            "Apply `quantize` on the .relu activation", "Exclude .body..1 activation", "Apply `quantize` on the .relu2 activation",
        }));
        Assert.That(model.Call(Tensor.Rand(Device, [1, 1, 6, 6])).Shape, Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void LogIsOffByDefaultAndNamesThePruneOperator()
    {
        using var log = new CapturingLogger();
        Convert(Model(), m => m is null ? Prune(device: Device) : Prune(m), activationLayers: [typeof(ReLU)]);
        Assert.That(log.Lines, Is.Empty);
        Convert(Model(), m => m is null ? Prune(device: Device) : Prune(m), weightLayers: [typeof(Linear)], log: true);
        Assert.That(log.Lines, Is.EqualTo(new[] { "Apply `prune` on the .fc weight" }));
    }

    [Test]
    public void AnExcludedTypeThatIsNotConvertedIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => Convert(Model(), m => m is null ? Prune(device: Device) : Prune(m),
            weightLayers: [typeof(Conv2d)], excludedActivations: [(typeof(ReLU), [0])]))!;
        Assert.That(e.ParamName, Is.EqualTo("excludedActivations"));
        Assert.That(e.Message, Does.StartWith("ReLU is excluded but not among the converted layer types"));
    }
}
