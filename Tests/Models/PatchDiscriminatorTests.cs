using QSparse.Nn;
using static QSparse.Tests.StateKeys;

namespace QSparse.Tests;

/// <summary>The PatchGAN discriminator (upstream's NLayerDiscriminator): patch maps, parameters, keys, printing, initialisation.</summary>
public class PatchDiscriminatorTests(string kind) : DeviceTest(kind)
{
    static readonly QsparsePlan QuantizePrune = new(Quantize: true, PruneWeights: true, PruneFeatures: true, Window: 1, StepsPerEpoch: 1);

    [Test]
    public void PatchMapHalvesPerLayerAndLosesTwoToTheStrideOneConvolutions()
    {
        // Stride-2 convolutions 32 → 16 → 8 → 4, then two 4×4 stride-1 convolutions with padding 1: 4 → 3 → 2.
        var d = new PatchDiscriminator(Device, new Generator(1), filters: 2);
        var y = d.Call(Tensor.Rand(Device, [2, 2, 32, 32], new Generator(2), -1, 1));
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 1, 2, 2 }));
        Assert.That(y.ToArray<float>(), Has.All.Matches<float>(float.IsFinite));
        Assert.That(new PatchDiscriminator(Device, new Generator(1), filters: 2, layers: 2).Call(Tensor.Rand(Device, [1, 2, 32, 32])).Shape,
            Is.EqualTo(new[] { 1, 1, 6, 6 }));
        Assert.That(new PatchDiscriminator(Device, new Generator(1), inChannels: 4, filters: 2, layers: 1, norm: NormKind.Instance)
            .Call(Tensor.Rand(Device, [1, 4, 16, 32])).Shape, Is.EqualTo(new[] { 1, 1, 6, 14 }));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new PatchDiscriminator(Device, layers: 0))!.ParamName, Is.EqualTo("layers"));
    }

    [Test]
    public void ParametersAndInitialisationAreThoseOfThePyTorchOriginal()
    {
        // NLayerDiscriminator(2, 64, 3, BatchNorm2d): conv(2→64) 2·64·16 + 64 = 2112; conv(64→128) 131072 + BN 256;
        // conv(128→256) 524288 + BN 512; conv(256→512) 2097152 + BN 1024; conv(512→1) 8192 + 1 = 8193: 2764609.
        var d = new PatchDiscriminator(Device, new Generator(1));
        Assert.That(d.Parameters().Sum(p => p.Numel), Is.EqualTo(2764609));
        // Instance norm: no BatchNorm parameters (−1792), a bias on the three middle convolutions (+128 + 256 + 512).
        Assert.That(new PatchDiscriminator(Device, new Generator(1), norm: NormKind.Instance).Parameters().Sum(p => p.Numel), Is.EqualTo(2763713));
        var state = d.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray<float>());
        var convWeights = new[] { 0, 2, 5, 8, 11 }.SelectMany(i => state[$"model.{i}.weight"]).ToArray();
        Assert.That(Stats.Std(convWeights), Is.EqualTo(0.02).Within(1).Percent);
        Assert.That(Stats.Mean(convWeights), Is.EqualTo(0).Within(1e-4));
        var bnWeights = new[] { 3, 6, 9 }.SelectMany(i => state[$"model.{i}.weight"]).ToArray();
        Assert.That(Stats.Mean(bnWeights), Is.EqualTo(1).Within(3e-3));
        Assert.That(Stats.Std(bnWeights), Is.EqualTo(0.02).Within(10).Percent);
        foreach (var bias in new[] { "model.0.bias", "model.3.bias", "model.6.bias", "model.9.bias", "model.11.bias" })
            Assert.That(state[bias], Has.All.Zero, bias);
    }

    [Test]
    public void StateDictKeysAreUpstreamsAndNoPlanQuantizesIt()
    {
        using var log = new CapturingLogger();
        string[] Keys(QsparsePlan? plan) => new PatchDiscriminator(Device, new Generator(1), plan, filters: 2).StateDict().Select(kv => kv.Key).ToArray();
        string[] expected =
        [
            "model.0.weight", "model.0.bias", "model.2.weight", .. BatchNormKeys("model.3"), "model.5.weight", .. BatchNormKeys("model.6"),
            "model.8.weight", .. BatchNormKeys("model.9"),
            "model.11.weight", "model.11.bias",
        ];
        Assert.That(Keys(null), Is.EqualTo(expected));
        Assert.That(Keys(QuantizePrune), Is.EqualTo(expected), "upstream's pix2pix keeps the discriminator in full precision");
    }

    [Test]
    public void PrintsAsPyTorchPrintsTheOriginal()
    {
        // NOTE: PyTorch prints LeakyReLU(negative_slope=0.2, inplace=True): this library's activations have no inplace flag.
        Assert.That(new PatchDiscriminator(Device, new Generator(1)).ToString().Split('\n')[..6], Is.EqualTo(new[]
        {
            "NLayerDiscriminator(",
            "  (model): Sequential(",
            "    (0): Conv2d(2, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))",
            "    (1): LeakyReLU(negative_slope=0.2)",
            "    (2): Conv2d(64, 128, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)",
            "    (3): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
        }));
    }
}
