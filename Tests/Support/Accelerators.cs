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
