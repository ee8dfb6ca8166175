using QSparse.Scheduling;

namespace QSparse.Tests;

/// <summary>StepLR against PyTorch's rates (core_cases.json "steplr"); plain arithmetic, no device.</summary>
public class StepLRTests
{
    static IEnumerable<(int StepSize, double Gamma, double[] Lrs)> GoldenCases() =>
        Golden.Json("core_cases.json")["cases"]!.AsArray().Select(c => c!)
            .Where(c => c["kind"]!.GetValue<string>() == "StepLR")
            .Select(c => (c["params"]!["step_size"]!.GetValue<int>(), c["params"]!["gamma"]!.GetValue<double>(),
                c["lrs"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray()));

    [Test]
    public void RatesMatchPyTorchExactly()
    {
        Assert.That(GoldenCases(), Is.Not.Empty);
        foreach (var (stepSize, gamma, lrs) in GoldenCases())
        {
            var sched = new StepLR(lrs[0], stepSize, gamma);
            var actual = new List<double>();
            for (int epoch = 0; epoch < lrs.Length; epoch++)
            {
                Assert.That(sched.LastEpoch, Is.EqualTo(epoch));
                actual.Add(sched.Lr);
                sched.Step();
            }
            Assert.That(actual, Is.EqualTo(lrs), $"step_size={stepSize}, gamma={gamma}");
        }
    }

    [Test]
    public void DecaysOnlyAtStepSizeBoundaries()
    {
        var sched = new StepLR(0.1, stepSize: 3, gamma: 0.5);
        var lrs = new List<double>();
        for (int i = 0; i < 7; i++, sched.Step())
            lrs.Add(sched.Lr);
        Assert.That(lrs, Is.EqualTo(new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025 }));
    }

    [Test]
    public void RestoredStateGivesTheSameRates()
    {
        var original = new StepLR(1.0, stepSize: 2, gamma: 0.7);
        for (int i = 0; i < 9; i++)
            original.Step();
        var restored = new StepLR(1.0, stepSize: 2, gamma: 0.7);
        restored.LoadState(original.LastEpoch);
        Assert.That(restored.LastEpoch, Is.EqualTo(original.LastEpoch));
        Assert.That(restored.Lr, Is.EqualTo(original.Lr));
        original.Step();
        restored.Step();
        Assert.That(restored.Lr, Is.EqualTo(original.Lr));
    }
}
