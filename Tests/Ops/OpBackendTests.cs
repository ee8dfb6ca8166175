namespace QSparse.Tests.Ops;

/// <summary>
/// Every row on every overriding backend against the base backend (the ILGPU kernels), and on every GPU
/// (real or simulated: the GPU launch shapes) against the CPU launch shapes of the same kernels, on the same
/// inputs: outputs and input gradients agree within the row's <see cref="OpCase.Backend"/> tolerance.
/// </summary>
public class OpBackendTests
{
    /// <summary>
    /// (device whose backend or launch shapes differ, device running the base backend with CPU launch shapes on
    /// the same inputs). A new backend (a vendor library behind its own device name) is covered by adding its pair here.
    /// </summary>
    static readonly (string Overriding, string Base)[] Backends =
    [
        ("cpu", "cpu-accelerator"), (Accelerators.SimulatedGpu, "cpu-accelerator"),
        ("cuda", "cpu-accelerator"), ("opencl", "cpu-accelerator"),
    ];

    /// <summary>The pairs of <see cref="Backends"/> whose two devices are both among the devices under test.</summary>
    internal static IEnumerable<(string Overriding, string Base)> Present()
    {
        var present = Accelerators.KindsWithSimulatedGpu().ToHashSet();
        return Backends.Where(b => present.Contains(b.Overriding) && present.Contains(b.Base));
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (overriding, baseKind) in Present())
            foreach (var data in OpTable.Cases(_ => true, overriding, baseKind))
                yield return data;
    }

    [TestCaseSource(nameof(Cases))]
    public void AgreesWithBase(string name, string overriding, string baseKind)
    {
        var c = OpTable.Get(name);
        var inputs = OpRunner.Inputs(c);
        bool backward = c.Check != GradientCheck.None;
        var mine = OpRunner.Run(c, Accelerators.Get(overriding), inputs, backward);
        var reference = OpRunner.Run(c, Accelerators.Get(baseKind), inputs, backward);
        string what = $"{name}: {overriding} against {baseKind}";
        OpAssert.SameShape(mine.Shape, reference.Shape, what);
        OpAssert.Close(mine.Output, reference.Output, c.Backend, c.Scale, $"{what}: forward");
        var gradTol = c.Backend with { Atol = 10 * c.Backend.Atol };
        for (int i = 0; i < inputs.Length; i++)
            if (mine.Grads[i] is { } grad)
                OpAssert.Close(grad, reference.Grads[i]!, gradTol, c.Scale, $"{what}: gradient of input {i}");
    }
}
