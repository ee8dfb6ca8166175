using QSparse.Scheduling;

namespace QSparse.Tests;

/// <summary>QuantizeSchedule and PruneSchedule: plain step arithmetic, checked against the reference trace (no device).</summary>
public class SchedulingTests
{
    [Test]
    public void SchedulesReproduceTheReferenceTrace()
    {
        var json = Golden.Json("schedules.json");
        var p = json["params"]!;
        int start = p["start"]!.GetValue<int>(), interval = p["interval"]!.GetValue<int>(),
            repetition = p["repetition"]!.GetValue<int>(), timeout = p["timeout"]!.GetValue<int>();
        double sparsity = p["sparsity"]!.GetValue<double>();
        var prune = new PruneSchedule(sparsity, start, interval, repetition, windowSize: 1);
        var quantize = new QuantizeSchedule(timeout, interval: -1, windowSize: 1);
        float current = 0;
        bool quantized = false;
        foreach (var row in json["trace"]!.AsArray())
        {
            int n = row!["step"]!.GetValue<int>();
            if (prune.ShouldUpdateMask(n, current, training: true, windowHasData: prune.ShouldCollect(n, true)))
                current = prune.SparsityAt(n);
            if (quantize.ShouldSearch(n, quantized) && quantize.ShouldCollect(n))
                quantized = true;
            Assert.That(current, Is.EqualTo(row["weight_cur_sparsity"]!.GetValue<float>()), $"sparsity after step {n}");
            Assert.That(quantized, Is.EqualTo(row["weight_quantized"]!.GetValue<bool>()), $"quantized after step {n}");
        }
    }

    [Test]
    public void CubicRampMatchesTheReferenceInDoubleThenFloat()
    {
        var s = new PruneSchedule(0.5, start: 200, interval: 10, repetition: 4, windowSize: 1);
        Assert.That(s.Points, Is.EqualTo(new[] { 210, 220, 230, 240 }));
        foreach (int n in s.Points)
        {
            double ratio = Math.Pow(1 - (n - 200) / 40.0, 3);
            Assert.That(s.SparsityAt(n), Is.EqualTo((float)(0.5 * (1 - ratio))));
        }
        Assert.That(s.SparsityAt(240), Is.EqualTo(0.5f));
        Assert.That(new PruneSchedule(0.75, 30, 3, 2, 1).SparsityAt(33), Is.EqualTo(0.65625f));
    }

    [Test]
    public void PruneCollectsInsideTheWindowBeforeEachPoint()
    {
        var s = new PruneSchedule(0.5, start: 10, interval: 5, repetition: 2, windowSize: 2);
        var collected = Enumerable.Range(0, 30).Where(n => s.ShouldCollect(n, training: true));
        Assert.That(collected, Is.EqualTo(new[] { 13, 14, 15, 18, 19, 20 }));
        Assert.That(s.ShouldUpdateMask(15, 0, true, true), Is.True);
        Assert.That(s.ShouldUpdateMask(15, 0, false, true), Is.False, "evaluation never prunes");
        Assert.That(s.ShouldUpdateMask(15, 0, true, false), Is.False, "empty window");
        Assert.That(s.ShouldUpdateMask(16, 0, true, true), Is.False, "off the interval");
        Assert.That(s.ShouldUpdateMask(10, 0, true, true), Is.False, "n must exceed start");
        Assert.That(s.ShouldUpdateMask(25, 0.5f, true, true), Is.False, "target reached");
        var loose = new PruneSchedule(0.5, 10, 5, 2, 2, strict: false);
        Assert.That(loose.ShouldCollect(14, training: false), Is.False);
        Assert.That(s.ShouldCollect(14, training: false), Is.True);
    }

    [Test]
    public void QuantizeCollectsBeforeTheTimeoutAndSearchesOnSchedule()
    {
        var once = new QuantizeSchedule(timeout: 10, interval: -1, windowSize: 3);
        Assert.That(Enumerable.Range(0, 20).Where(once.ShouldCollect), Is.EqualTo(new[] { 8, 9, 10 }));
        Assert.That(once.ClearsIdleWindow, Is.True);
        Assert.That(once.ShouldSearch(10, quantized: false), Is.True);
        Assert.That(once.ShouldSearch(10, quantized: true), Is.False);
        Assert.That(once.ShouldSearch(15, quantized: true), Is.False);
        var periodic = new QuantizeSchedule(timeout: 10, interval: 5, windowSize: 1);
        Assert.That(periodic.ClearsIdleWindow, Is.False);
        Assert.That(periodic.ShouldSearch(15, quantized: true), Is.True);
        Assert.That(periodic.ShouldSearch(16, quantized: true), Is.False);
    }

    [Test]
    public void BadArgumentsNameTheParameterAndValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PruneSchedule(1.0, 0, 1, 1, 1))!;
        Assert.That(e.ParamName, Is.EqualTo("sparsity"));
        Assert.That(e.Message, Does.Contain("1"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new PruneSchedule(-0.1, 0, 1, 1, 1))!.ParamName, Is.EqualTo("sparsity"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new PruneSchedule(0.5, 0, 1, 1, 0))!.ParamName, Is.EqualTo("windowSize"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizeSchedule(1, -1, 0))!.ParamName, Is.EqualTo("windowSize"));
    }
}
