using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>One kernel launch: the kernel method (closed over its type arguments), its launch shape and its argument struct.</summary>
public sealed record LaunchRecord(MethodInfo Kernel, KernelConfig Config, object Arguments)
{
    /// <summary>Threads launched: groups × threads per group.</summary>
    public long Threads => (long)Config.GridDim.Size * Config.GroupDim.Size;

    /// <summary>The kernel's type and method name with the innermost type argument's name, e.g. <c>ElementLoop.Kernel&lt;StatsBody&gt;</c>.</summary>
    public string Name => $"{Kernel.DeclaringType!.Name}.{Kernel.Name}"
                          + (Kernel.IsGenericMethod ? $"<{string.Join(", ", Kernel.GetGenericArguments().Select(t => t.Name.Split('`')[0]))}>" : "");
}

/// <summary>
/// The launches of one device while it is attached (<see cref="Device.RecordLaunches"/>), in order: what tests of launch
/// shapes and work per thread read (on the simulated GPU they cannot time the kernels). Detached when disposed.
/// </summary>
public sealed class LaunchLog : IDisposable
{
    readonly Device device;
    readonly List<LaunchRecord> launches = new();

    internal LaunchLog(Device device) => this.device = device;

    public IReadOnlyList<LaunchRecord> Launches
    {
        get { lock (launches) return launches.ToArray(); }
    }

    internal void Add(LaunchRecord launch)
    {
        lock (launches) launches.Add(launch);
    }

    public void Dispose() => device.DetachLaunchLog(this);
}
