using QSparse.Host.Benchmarks;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>The FLOP count behind the bench's step rates, against the seed network's layers counted by hand.</summary>
public class StepFlopsTests
{
    [Test]
    public void SeedStepCountsEachLayerThreeTimesButTheFirstLayersInputGradient()
    {
        var device = Accelerators.Get("cpu");
        using var scope = new TensorScope();
        var model = new MnistNet(device, new Generator(1));
        var x = Tensor.Randn(device, [5, 1, 28, 28], new Generator(2));
        // Multiply-adds: conv1 1→32 3×3 over 26×26, conv2 32→64 3×3 over 24×24, fc1 9216→128, fc2 128→10, per example.
        double conv1 = 32 * 9 * 26 * 26, conv2 = 64 * 32 * 9 * 24 * 24, fc1 = 9216 * 128, fc2 = 128 * 10;
        double expected = 5 * 2 * (2 * conv1 + 3 * (conv2 + fc1 + fc2));
        Assert.That(StepFlops.Of(model, x), Is.EqualTo(expected));
        Assert.That(model.Training, Is.True, "the count leaves the model in training mode");
    }
}
