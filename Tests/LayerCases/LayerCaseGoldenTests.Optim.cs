using QSparse.Scheduling;

namespace QSparse.Tests.LayerCases;

// The optimizers (4 steps from w0 with grad0..grad3, within 1e-6 as core_cases' optimizer tests) and the
// resume from a checkpoint halfway bit for bit; the LR schedules (the rates of 12 epochs, exactly: plain float64 arithmetic in PyTorch's order).
public partial class LayerCaseGoldenTests
{
    [TestCaseSource(nameof(CasesOf), [new[] { "optimizer" }])]
    public void Optimizer(string name) => OptimizerGoldenTests.CheckSteps(Cases, Device, name);

    [TestCaseSource(nameof(CasesOf), [new[] { "optimizer" }])]
    public void OptimizerResumesFromCheckpoint(string name) => OptimizerGoldenTests.CheckResume(Cases, Device, name);

    [TestCaseSource(nameof(CasesOf), [new[] { "MultiStepLR" }])]
    public void MultiStepLR(string name) =>
        CheckRates(name, p => new MultiStepLR((double)p["lr"]!, p["milestones"]!.AsArray().Select(m => (int)m!), (double)p["gamma"]!));

    [TestCaseSource(nameof(CasesOf), [new[] { "CosineAnnealingLR" }])]
    public void CosineAnnealingLR(string name) =>
        CheckRates(name, p => new CosineAnnealingLR((double)p["lr"]!, (int)p["T_max"]!, (double)p["eta_min"]!));

    [TestCaseSource(nameof(CasesOf), [new[] { "LinearLR" }])]
    public void LinearLR(string name) =>
        CheckRates(name, p => new LinearLR((double)p["lr"]!, (double)p["start_factor"]!, (double)p["end_factor"]!, (int)p["total_iters"]!));

    /// <summary>
    /// The rates of schedule case <paramref name="name"/>, epoch by epoch, bit for bit; then a schedule restored
    /// at every epoch continues with the same rates.
    /// </summary>
    static void CheckRates(string name, Func<System.Text.Json.Nodes.JsonNode, LRSchedule> build)
    {
        var c = Cases.Case(name);
        var expected = c["lrs"]!.AsArray().Select(v => (double)v!).ToArray();
        var sched = build(c["params"]!);
        var actual = new List<double>();
        for (int epoch = 0; epoch < expected.Length; epoch++, sched.Step())
        {
            Assert.That(sched.LastEpoch, Is.EqualTo(epoch));
            actual.Add(sched.Lr);
        }
        Assert.That(actual, Is.EqualTo(expected), name);
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            var restored = build(c["params"]!);
            restored.LoadState(epoch);
            Assert.That(restored.Lr, Is.EqualTo(expected[epoch]), $"{name}: restored at epoch {epoch}");
        }
    }
}
