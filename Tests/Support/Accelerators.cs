using QSparse.Kernels;

namespace QSparse.Tests;

/// <summary>
/// The accelerators present here, each opened once for the whole run. Tests derived from
/// <see cref="DeviceTest"/> run once per accelerator (the CPU accelerator in CI; CUDA too where found).
/// </summary>
public static class Accelerators
{
    static readonly Dictionary<string, Device> open = new();

    /// <summary>Kinds to run on: QSPARSE_TEST_DEVICES (comma-separated) or every kind found.</summary>
    public static IEnumerable<string> Kinds()
    {
        var requested = Environment.GetEnvironmentVariable("QSPARSE_TEST_DEVICES");
        if (!string.IsNullOrWhiteSpace(requested))
            return requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Device.Available().Select(d => d.Kind.Name()).ToArray();
    }

    /// <summary>
    /// The simulated GPU (ILGPU's CPU accelerator shaped like a GPU, <c>gpu-sim</c>): under test beside <see cref="Kinds"/>
    /// in the comparisons of launch shapes (<see cref="Ops.OpBackendTests"/>) unless QSPARSE_TEST_DEVICES leaves it out.
    /// It is no default fixture device: a simulated thread is a .NET thread, too slow for the training tests.
    /// </summary>
    public const string SimulatedGpu = "gpu-sim";

    /// <summary><see cref="Kinds"/> and, unless QSPARSE_TEST_DEVICES names the devices, the simulated GPU.</summary>
    public static IEnumerable<string> KindsWithSimulatedGpu() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("QSPARSE_TEST_DEVICES"))
            ? Kinds().Append(SimulatedGpu).Distinct()
            : Kinds();

    public static Device Get(string kind)
    {
        lock (open)
        {
            if (!open.TryGetValue(kind, out var device))
                open[kind] = device = Device.Open(kind);
            return device;
        }
    }
}

/// <summary>Base of tests that run on every accelerator.</summary>
[TestFixtureSource(typeof(Accelerators), nameof(Accelerators.Kinds))]
public abstract class DeviceTest(string kind)
{
    protected Device Device { get; } = Accelerators.Get(kind);
    protected string Kind { get; } = kind;
    TensorScopeHolder? scope;

    [SetUp]
    public void OpenScope() => scope = new TensorScopeHolder();

    [TearDown]
    public void CloseScope() => scope?.Dispose();

    /// <summary>Releases every tensor a test created, so tests do not leak pool memory into each other.</summary>
    sealed class TensorScopeHolder : IDisposable
    {
        readonly QSparse.Nn.TensorScope inner = new();
        public void Dispose() => inner.Dispose();
    }
}
