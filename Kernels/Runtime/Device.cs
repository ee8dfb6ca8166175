using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace QSparse.Kernels;

/// <summary>
/// One ILGPU accelerator with its kernel cache and caching allocator. Every tensor lives on one
/// device; kernels are compiled on first use and kept for the life of the device.
/// </summary>
public sealed partial class Device : IDisposable
{
    readonly ConcurrentDictionary<System.Reflection.MethodInfo, Delegate> kernels = new();

    Device(Context context, Accelerator accelerator, DeviceKind kind)
    {
        Context = context;
        Accelerator = accelerator;
        Kind = kind;
        Pool = new BufferPool(accelerator);
        // CPU: one thread per simulated multiprocessor, each given a contiguous chunk.
        // GPU: enough resident groups to fill every multiprocessor a few times.
        ParallelThreads = IsCpu
            ? accelerator.NumMultiprocessors
            : accelerator.NumMultiprocessors * 8 * GpuGroupSize;
        Backend = BackendChoice.For(this);
        staging = IsCpu ? null : new StagingRing(this);
    }

    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public DeviceKind Kind { get; }
    public BufferPool Pool { get; }
    public string Name => Accelerator.Name;
    /// <summary>
    /// True for ILGPU's CPU accelerator (whatever the backend): kernels use CPU launch shapes. False for GPUs and
    /// for the simulated GPU (the CPU accelerator shaped like one), which take the GPU launch shapes.
    /// </summary>
    public bool IsCpu => Kind is DeviceKind.Cpu or DeviceKind.CpuAccelerator;

    /// <summary>
    /// What runs the ops here, chosen once when the device opens: the native SIMD path on the "cpu"
    /// device of a processor with AVX2 and FMA, ILGPU's kernels everywhere else.
    /// </summary>
    public Backend Backend { get; }

    /// <summary>Threads one element-wise launch uses at most.</summary>
    public int ParallelThreads { get; }

    /// <summary>Threads per group for element-wise kernels on GPUs.</summary>
    public const int GpuGroupSize = 256;

    /// <summary>The launch shape and per-thread element split for <paramref name="count"/> independent items.</summary>
    public (KernelConfig Config, ElementRange Range) Elements(int count)
    {
        count = Math.Max(count, 0);
        if (IsCpu)
        {
            int threads = Math.Clamp(count, 1, ParallelThreads);
            int chunk = Math.Max(1, (count + threads - 1) / threads);
            threads = Math.Max(1, (count + chunk - 1) / chunk);
            return (new KernelConfig(threads, 1), new ElementRange(count, chunk, chunk, 1));
        }
        int groups = Math.Clamp((count + GpuGroupSize - 1) / GpuGroupSize, 1, ParallelThreads / GpuGroupSize);
        int total = groups * GpuGroupSize;
        int perThread = Math.Max(1, (count + total - 1) / total);
        return (new KernelConfig(groups, GpuGroupSize), new ElementRange(count, perThread, 1, total));
    }

    /// <summary>Blocks until every launched kernel has finished (a host sync).</summary>
    public void Synchronize()
    {
        Accelerator.Synchronize();
        CountHostSync();
    }

    long hostSyncs;

    /// <summary>
    /// Times the host has waited for this device: <see cref="Synchronize"/> and every blocking copy made through
    /// <see cref="HostTransfers"/> (reads back, direct uploads). Each is counted once it has finished, so every
    /// copy enqueued before a count was taken has completed once the count has grown past it (the staging ring's fence).
    /// </summary>
    public long HostSyncs => Interlocked.Read(ref hostSyncs);

    internal void CountHostSync() => Interlocked.Increment(ref hostSyncs);

    StagingRing? staging;

    /// <summary>
    /// The page-locked buffers uploads are staged through, so they do not wait for the device; null copies directly
    /// and waits (CPU kinds, whose device memory is host memory; tests comparing with the synchronous path).
    /// Replacing the ring disposes the old one.
    /// </summary>
    public StagingRing? Staging
    {
        get => staging;
        set
        {
            var old = Interlocked.Exchange(ref staging, value);
            if (old != value)
                old?.Dispose();
        }
    }

    /// <summary>
    /// The launcher of <paramref name="kernel"/>, a static method over one argument struct (views and
    /// parameters), compiled on first use and cached by its method for the life of the device.
    /// </summary>
    public Action<KernelConfig, TArgs> Kernel<TArgs>(Action<TArgs> kernel) where TArgs : struct =>
        (Action<KernelConfig, TArgs>)kernels.GetOrAdd(kernel.Method, method =>
        {
            var launch = Accelerator.LoadStreamKernel(kernel);
            return (Action<KernelConfig, TArgs>)((config, args) =>
            {
                launchLog?.Add(new LaunchRecord(method, config, args));
                launch(config, args);
            });
        });

    volatile LaunchLog? launchLog;

    /// <summary>Records every launch on this device until the returned log is disposed (one log at a time).</summary>
    public LaunchLog RecordLaunches()
    {
        var log = new LaunchLog(this);
        if (Interlocked.CompareExchange(ref launchLog, log, null) != null)
            throw new InvalidOperationException($"{this}: launches are already being recorded");
        return log;
    }

    internal void DetachLaunchLog(LaunchLog log) => Interlocked.CompareExchange(ref launchLog, null, log);

    /// <summary>Runs <paramref name="body"/> once for each i in [0, <paramref name="count"/>), split over the threads as <see cref="Elements"/> says.</summary>
    public void ForEach<TBody>(int count, TBody body) where TBody : struct, IElementBody
    {
        var (config, range) = Elements(count);
        Kernel<ElementLaunch<TBody>>(ElementLoop.Kernel)(config, new ElementLaunch<TBody>(range, body));
    }

    /// <summary>Kernels compiled so far on this device.</summary>
    public int LoadedKernels => kernels.Count;

    /// <summary>The kernel methods compiled so far on this device, closed over their type arguments (e.g. to compile them for another target).</summary>
    public IReadOnlyCollection<System.Reflection.MethodInfo> LoadedKernelMethods => kernels.Keys.ToArray();

    public override string ToString() => $"{Kind.Name()}: {Name}";

    public void Dispose()
    {
        Staging?.Dispose();
        Pool.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }
}
