using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// A short training run of a classification network in quantize+prune mode on one fixed generated batch, past
/// every QSPARSE event of <see cref="Plan"/> (E = 1, window 1): weights quantized at step 2, activations at 3,
/// pruned at 5, 6 and 7; then every decimal is set, every mask at the planned sparsity, the loss finite and falling.
/// </summary>
public static class ShortQsparseRun
{
    /// <summary>Quantize first, then prune weights and features, E = 1, window 1.</summary>
    public static readonly QsparsePlan Plan = new(Quantize: true, PruneWeights: true, PruneFeatures: true, QuantizeFirst: true,
        Window: 1, StepsPerEpoch: 1);

    /// <summary>Steps run: past the last pruning (PruneStart + 3E = 7) and two more.</summary>
    public const int Steps = 10;

    /// <summary>Trains <paramref name="model"/> with SGD on inputs [4, <paramref name="channels"/>, size, size] and checks the run.</summary>
    public static void TrainAndCheck(Module model, Device device, int channels, int size, int classes)
    {
        var g = new Generator(7);
        var x = Tensor.Rand(device, [4, channels, size, size], g, -1, 1);
        var y = Tensor.FromArray(device, new long[] { 0, 1 % classes, 2 % classes, 3 % classes }, 4);
        using var sgd = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        var losses = new List<double>();
        for (int step = 0; step < Steps; step++)
        {
            using var scope = new TensorScope();
            var loss = Functional.CrossEntropy(model.Call(x), y);
            sgd.ZeroGrad();
            loss.Backward();
            sgd.Step();
            losses.Add(loss.Item());
        }
        Assert.That(losses, Is.All.Matches<double>(double.IsFinite), "losses");
        Assert.That(losses[^1], Is.LessThan(losses[0]), $"losses {string.Join(", ", losses)}");

        var quantizers = model.NamedModules().Where(m => m.Module is QuantizeLayer).ToList();
        var pruners = model.NamedModules().Where(m => m.Module is PruneLayer).ToList();
        Assert.That((quantizers.Count, pruners.Count), Is.Not.EqualTo((0, 0)));
        foreach (var (path, m) in quantizers)
        {
            var q = (QuantizeLayer)m;
            Assert.That(q.Quantized, Is.True, $"{path} quantized");
            Assert.That(q.Decimal.ToArray<float>(), Is.All.InRange(q.DecimalRange.Lo, q.DecimalRange.Hi - 1).And.Matches<float>(d => d == MathF.Round(d)), $"{path} decimal");
        }
        foreach (var (path, m) in pruners)
        {
            var p = (PruneLayer)m;
            Assert.That(p.NUpdates, Is.EqualTo(Steps), $"{path} steps");
            Assert.That(p.CurrentSparsity, Is.EqualTo(0.5f), $"{path} sparsity");
            var mask = p.Mask.ToArray<bool>();
            // NOTE: the threshold is sorted(saliency)[trunc(0.5·n - 1)] and entries at it survive: ⌊n/2⌋ - 1 zeros without
            // ties, as in the raw weights; an activation computed from quantized inputs and weights has ties, so fewer.
            int zeros = mask.Count(on => !on), planned = mask.Length / 2 - 1;
            Assert.That(zeros, path.EndsWith(".prune") ? Is.EqualTo(planned) : Is.InRange(1, planned), $"{path} zeros of {mask.Length}");
        }
    }
}
