using QSparse.Scheduling;

namespace QSparse.Tests;

/// <summary>The LR schedules beyond the golden cases: LambdaLR, repeated milestones, cosine restarts; plain arithmetic, no device.</summary>
public class LRScheduleTests
{
    static double[] Rates(LRSchedule s, int epochs)
    {
        var lrs = new double[epochs];
        for (int i = 0; i < epochs; i++, s.Step())
            lrs[i] = s.Lr;
        return lrs;
    }

    [Test]
    public void LambdaLRScalesTheBaseRate()
    {
        Assert.That(Rates(new LambdaLR(0.5, e => 1.0 / (e + 1)), 4), Is.EqualTo(new[] { 0.5, 0.25, 0.5 / 3, 0.125 }));
        var restored = new LambdaLR(0.5, e => 0.9 * e);
        restored.LoadState(3);
        Assert.That(restored.Lr, Is.EqualTo(0.5 * (0.9 * 3)));
    }

    [Test]
    public void RepeatedMilestonesDecayByGammaToTheirCount()
    {
        var lrs = Rates(new MultiStepLR(1.0, [4, 2, 2], gamma: 0.5), 6);
        Assert.That(lrs, Is.EqualTo(new[] { 1.0, 1.0, 0.25, 0.25, 0.125, 0.125 }));
    }

    [Test]
    public void CosineRisesAgainPastTMaxWithPeriodTwiceTMax()
    {
        var lrs = Rates(new CosineAnnealingLR(1.0, tMax: 4, etaMin: 0.0), 17);
        double Closed(int t) => (1 + Math.Cos(Math.PI * t / 4)) / 2;
        for (int t = 0; t < lrs.Length; t++)
            Assert.That(lrs[t], Is.EqualTo(Closed(t)).Within(1e-12), $"epoch {t}");
    }

    [Test]
    public void LinearLRStartsAtItsFactorAndStaysAtTheEnd()
    {
        var lrs = Rates(new LinearLR(0.3, startFactor: 0.5, endFactor: 1.0, totalIters: 2), 5);
        Assert.That(lrs, Is.EqualTo(new[] { 0.15, 0.225, 0.3, 0.3, 0.3 }).Within(1e-15));
        Assert.That(() => new LinearLR(0.1, startFactor: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("startFactor"));
        Assert.That(() => new CosineAnnealingLR(0.1, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("tMax"));
    }
}
