using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>The loader: epoch order, drop-last, limit, prefetch giving the same batches, and exceptions on the prefetch thread.</summary>
public class DataLoaderTests
{
    static readonly IDataset<int> Numbers = new ListDataset<int>([.. Enumerable.Range(0, 10)]);

    static int[][] Batches<T>(DataLoader<T> loader, int epoch, Func<T, int> key) =>
        [.. loader.Epoch(epoch).Select(b => b.Select(key).ToArray())];

    [Test]
    public void ShuffledOrderIsBatchOrderAndDependsOnSeedAndEpoch()
    {
        var loader = new DataLoader<int>(Numbers, 4, seed: 7);
        var batches = Batches(loader, 3, x => x);
        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(batches.SelectMany(b => b), Is.EqualTo(BatchOrder.Permutation(7, 3, 10)));
        Assert.That(Batches(new DataLoader<int>(Numbers, 4, seed: 7), 3, x => x), Is.EqualTo(batches));
        Assert.That(Batches(loader, 4, x => x).SelectMany(b => b), Is.Not.EqualTo(batches.SelectMany(b => b)));
        Assert.That(Batches(new DataLoader<int>(Numbers, 4, seed: 8), 3, x => x).SelectMany(b => b), Is.Not.EqualTo(batches.SelectMany(b => b)));
    }

    [Test]
    public void UnshuffledOrderIsTheIndexOrder()
    {
        var loader = new DataLoader<int>(Numbers, 3, shuffle: false, seed: 7);
        Assert.That(Batches(loader, 5, x => x), Is.EqualTo(new[] { new[] { 0, 1, 2 }, [3, 4, 5], [6, 7, 8], [9] }));
    }

    [Test]
    public void DropLastAndLimitSetTheBatchCounts()
    {
        Assert.That(new DataLoader<int>(Numbers, 4).BatchesPerEpoch, Is.EqualTo(3));
        var dropLast = new DataLoader<int>(Numbers, 4, dropLast: true);
        Assert.That(dropLast.BatchesPerEpoch, Is.EqualTo(2));
        Assert.That(Batches(dropLast, 0, x => x).Select(b => b.Length), Is.EqualTo(new[] { 4, 4 }));
        Assert.That(new DataLoader<int>(Numbers, 5, dropLast: true).BatchesPerEpoch, Is.EqualTo(2));

        // The limit takes the first examples of the epoch's order, not the first indexes.
        var limited = new DataLoader<int>(Numbers, 4, seed: 3, limit: 6);
        Assert.That((limited.ExamplesPerEpoch, limited.BatchesPerEpoch), Is.EqualTo((6, 2)));
        Assert.That(Batches(limited, 1, x => x).SelectMany(b => b), Is.EqualTo(BatchOrder.Permutation(3, 1, 10)[..6]));
        Assert.That(new DataLoader<int>(Numbers, 4, limit: 100).ExamplesPerEpoch, Is.EqualTo(10));
        Assert.That(new DataLoader<int>(Numbers, 4, dropLast: true, limit: 3).BatchesPerEpoch, Is.EqualTo(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DataLoader<int>(Numbers, 4, limit: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DataLoader<int>(Numbers, 0));
    }

    [Test]
    public void PrefetchGivesTheSameBatchesAsNone()
    {
        // A random transform: each example's draw depends on (seed, epoch, index) only.
        var drawn = Transform.Map(Numbers, (int x, SampleRandom r) => x * 1000 + r.Next(1000));
        var expected = Batches(new DataLoader<int>(drawn, 3, seed: 5, prefetch: 0), 2, x => x);
        Assert.That(expected.SelectMany(b => b).Select(x => x / 1000), Is.EqualTo(BatchOrder.Permutation(5, 2, 10)));
        Assert.That(expected.SelectMany(b => b).Select(x => x % 1000).Distinct().Count(), Is.GreaterThan(5));
        foreach (int prefetch in new[] { 1, 2, 8 })
            Assert.That(Batches(new DataLoader<int>(drawn, 3, seed: 5, prefetch: prefetch), 2, x => x), Is.EqualTo(expected), $"prefetch {prefetch}");
        Assert.That(Batches(new DataLoader<int>(drawn, 3, seed: 5), 3, x => x), Is.Not.EqualTo(expected));
    }

    [Test]
    public void AnExceptionInATransformSurfacesFromTheEnumeration()
    {
        var failing = Transform.Map(Numbers, x => x == 7 ? throw new InvalidDataException("example 7 is bad") : x);
        foreach (int prefetch in new[] { 0, 2 })
        {
            var seen = new List<int>();
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                foreach (var batch in new DataLoader<int>(failing, 2, shuffle: false, prefetch: prefetch).Epoch(0))
                    seen.AddRange(batch);
            })!;
            Assert.That(e.Message, Is.EqualTo("example 7 is bad"), $"prefetch {prefetch}");
            Assert.That(seen, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }), $"prefetch {prefetch}");
        }
    }

    [Test]
    public void LeavingAnEpochEarlyStopsThePrefetch()
    {
        var loader = new DataLoader<int>(Numbers, 1, shuffle: false, prefetch: 1);
        Assert.That(loader.Epoch(0).Take(2).SelectMany(b => b), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(loader.Epoch(0).SelectMany(b => b), Is.EqualTo(Enumerable.Range(0, 10)));
    }
}
