using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Checks shared by the model tests' short training runs: every QSPARSE event of the plan has happened.</summary>
public static class QsparseEvents
{
    /// <summary>
    /// Every quantizer of <paramref name="model"/> (but those at <paramref name="idle"/>, never called) has found its
    /// decimals, and every pruner has reached sparsity 0.5 with about half of its mask off (ties survive, so at most half).
    /// Returns the number of quantizers and pruners checked.
    /// </summary>
    public static (int Quantizers, int Pruners) AssertAllHappened(Module model, params string[] idle)
    {
        int quantizers = 0, pruners = 0;
        foreach (var (path, m) in model.NamedModules())
        {
            if (idle.Contains(path))
            {
                Assert.That(((QSparseLayer)m).Initialized, Is.False, $"{path} is never called");
                continue;
            }
            if (m is QuantizeLayer q)
            {
                Assert.That(q.Quantized, Is.True, $"{path} has its decimals");
                Assert.That(q.Decimal.ToArray<float>(), Has.All.InRange(0f, 19f), $"{path} decimals in the search range");
                quantizers++;
            }
            else if (m is PruneLayer p)
            {
                Assert.That(p.CurrentSparsity, Is.EqualTo(0.5f), $"{path} reached the planned sparsity");
                var mask = p.Mask.ToArray<bool>();
                Assert.That(mask.Count(b => !b) / (double)mask.Length, Is.InRange(0.45, 0.5), $"{path} mask sparsity");
                pruners++;
            }
        }
        return (quantizers, pruners);
    }

    /// <summary>Losses all finite, and the last below the first.</summary>
    public static void AssertFiniteAndFalling(IReadOnlyList<double> losses, string what)
    {
        Assert.That(losses, Has.All.Matches<double>(double.IsFinite), $"{what} finite: {string.Join(", ", losses)}");
        Assert.That(losses[^1], Is.LessThan(losses[0]), $"{what} falls: {string.Join(", ", losses)}");
    }
}
