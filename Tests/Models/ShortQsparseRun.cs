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

    /// <summary>The step of the last mask update: PruneStart + 3E.</summary>
    const int LastPrune = 7;

    /// <summary>
    /// Trains <paramref name="model"/> with SGD on inputs [4, <paramref name="channels"/>, size, size] and checks the
    /// run; each pruner's final mask must be the planned one of what it saw at <see cref="LastPrune"/>.
    /// </summary>
    public static void TrainAndCheck(Module model, Device device, int channels, int size, int classes)
    {
        var g = new Generator(7);
        var x = Tensor.Rand(device, [4, channels, size, size], g, -1, 1);
        var y = Tensor.FromArray(device, new long[] { 0, 1 % classes, 2 % classes, 3 % classes }, 4);
        var pruners = model.NamedModules().Where(m => m.Module is PruneLayer).Select(m => (Path: m.Name, Layer: (PruneLayer)m.Module)).ToList();
        var seen = new Dictionary<string, float[]>();
        var hooks = pruners.Select(p => p.Layer.RegisterForwardPreHook((_, input) =>
        {
            if (p.Layer.NUpdates == LastPrune)
                seen[p.Path] = Window(p.Layer, input);
        })).ToList();
        using var sgd = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
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
        hooks.ForEach(h => h.Dispose());
        Assert.That(losses, Is.All.Matches<double>(double.IsFinite), "losses");
        Assert.That(losses[^1], Is.LessThan(losses[0]), $"losses {string.Join(", ", losses)}");

        var quantizers = model.NamedModules().Where(m => m.Module is QuantizeLayer).ToList();
        Assert.That((quantizers.Count, pruners.Count), Is.Not.EqualTo((0, 0)));
        foreach (var (path, m) in quantizers)
        {
            var q = (QuantizeLayer)m;
            Assert.That(q.Quantized, Is.True, $"{path} quantized");
            Assert.That(q.Decimal.ToArray<float>(), Is.All.InRange(q.DecimalRange.Lo, q.DecimalRange.Hi - 1).And.Matches<float>(d => d == MathF.Round(d)),
                $"{path} decimal");
        }
        foreach (var (path, p) in pruners)
        {
            Assert.That(p.NUpdates, Is.EqualTo(Steps), $"{path} steps");
            Assert.That(p.CurrentSparsity, Is.EqualTo(0.5f), $"{path} sparsity");
            var mask = p.Mask.ToArray<bool>();
            Assert.That(mask, Is.EqualTo(PlannedMask(seen[path])), $"{path} mask");
            if (p.Collapse < 0)
                Assert.That(mask.Count(on => !on), Is.EqualTo(mask.Length / 2 - 1), $"{path}: raw weights have no ties");
        }
    }

    /// <summary>What a window-1 pruner collects from <paramref name="input"/>: a whole weight, or an activation's first sample.</summary>
    static float[] Window(PruneLayer layer, Tensor input)
    {
        var values = input.ToArray<float>();
        return layer.Collapse < 0 ? values : values[..(values.Length / input.Shape[0])];
    }

    /// <summary>
    /// SPEC §4's unstructured mask at sparsity 0.5 for a window of one tensor: |x| ≥ sorted(|x|)[max(trunc(0.5·n - 1), 0)]
    /// (⌊n/2⌋ - 1 zeros without ties; entries tied with the threshold survive, so activations of quantized layers keep more).
    /// </summary>
    static bool[] PlannedMask(float[] window)
    {
        var saliency = window.Select(MathF.Abs).ToArray();
        var threshold = saliency.Order().ElementAt(Math.Max((int)(0.5 * saliency.Length - 1), 0));
        return saliency.Select(s => s >= threshold).ToArray();
    }
}
