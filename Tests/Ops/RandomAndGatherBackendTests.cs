using QSparse.Nn;

namespace QSparse.Tests.Ops;

/// <summary>
/// The counter-based random draws, arg-max and the quantizer's decimal search (its channel gather) on every
/// overriding backend against the base backend, bit for bit: each is element-wise or a fixed-order loop per
/// item, so a backend running the kernel's body gives the kernel's values. Sizes above 2^15 elements, so the
/// native host loops split the work over the cores.
/// </summary>
public class RandomAndGatherBackendTests
{
    static readonly Dictionary<string, Func<Device, float[]>> Runs = new()
    {
        ["rand"] = d => Tensor.Rand(d, [70001], new Generator(5), -2, 3).ToArray<float>(),
        ["randn"] = d => Tensor.Randn(d, [70001], new Generator(6)).ToArray<float>(),
        ["argmax"] = d => Tensor.Randn(d, [300, 257], new Generator(7)).ArgMax(1).To(DType.Float32).ToArray<float>(),
        ["decimal search channel-wise"] = d =>
        {
            var window = new[] { Tensor.Randn(d, [4, 6, 40, 40], new Generator(8)), Tensor.Randn(d, [4, 6, 40, 40], new Generator(9)) * 3f };
            return new LinearQuantizer().SearchDecimal(window, 8, 1, (0, 8), (0, 1)).ToArray<float>();
        },
    };

    public static IEnumerable<TestCaseData> Cases() =>
        from pair in OpBackendTests.Present()
        from name in Runs.Keys
        select new TestCaseData(name, pair.Overriding, pair.Base).SetName($"{name}: {pair.Overriding} against {pair.Base}");

    [TestCaseSource(nameof(Cases))]
    public void SameValuesAsBase(string name, string overriding, string baseKind) =>
        Assert.That(Runs[name](Accelerators.Get(overriding)), Is.EqualTo(Runs[name](Accelerators.Get(baseKind))), name);
}
