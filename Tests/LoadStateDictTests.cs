using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Module.LoadStateDict: strict loads refuse mismatched keys; strict: false loads the common keys and reports the rest.</summary>
public class LoadStateDictTests(string kind) : DeviceTest(kind)
{
    Sequential Net() => new(new Linear(3, 2, device: Device), new ReLU(), new Linear(2, 1, bias: false, device: Device));

    static HostTensor Host(float[] values, params int[] shape) => HostTensor.From(Tensor.FromArray(Defaults.Device, values, shape));

    [Test]
    public void NonStrictLoadReportsMissingAndUnexpectedKeys()
    {
        var net = Net();
        var before = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        var weight = Enumerable.Range(0, 6).Select(i => i * 0.5f).ToArray();
        var state = new Dictionary<string, HostTensor> { ["0.weight"] = Host(weight, 2, 3), ["5.bias"] = Host([1f], 1) };

        var result = net.LoadStateDict(state, strict: false);

        Assert.That(result.MissingKeys, Is.EqualTo(new[] { "0.bias", "2.weight" }));
        Assert.That(result.UnexpectedKeys, Is.EqualTo(new[] { "5.bias" }));
        var after = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        Assert.That(after["0.weight"], Is.EqualTo(weight), "the common key is loaded");
        Assert.That(after["0.bias"], Is.EqualTo(before["0.bias"]), "a missing key keeps its value");
        Assert.That(after["2.weight"], Is.EqualTo(before["2.weight"]), "a missing key keeps its value");
    }

    [Test]
    public void StrictLoadStillRefusesAndAMatchingLoadReportsNothing()
    {
        var net = Net();
        var state = new Dictionary<string, HostTensor> { ["0.weight"] = Host(new float[6], 2, 3), ["5.bias"] = Host([1f], 1) };
        Assert.That(() => net.LoadStateDict(state),
            Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("missing keys [0.bias, 2.weight], unexpected keys [5.bias]"));

        var full = Net().StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        var result = net.LoadStateDict(full);
        Assert.That(result.MissingKeys, Is.Empty);
        Assert.That(result.UnexpectedKeys, Is.Empty);
        Assert.That(net.LoadStateDict(full, strict: false), Is.EqualTo(result).Using<IncompatibleKeys>(
            (a, b) => a.MissingKeys.SequenceEqual(b.MissingKeys) && a.UnexpectedKeys.SequenceEqual(b.UnexpectedKeys)));
    }

    [Test]
    public void NonStrictLoadStillRefusesAShapeMismatch()
    {
        var net = Net();
        var state = new Dictionary<string, HostTensor> { ["0.weight"] = Host(new float[3], 3) };
        Assert.That(() => net.LoadStateDict(state, strict: false),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("'0.weight'"));
    }
}
