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
    }

    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public DeviceKind Kind { get; }
    public BufferPool Pool { get; }
    public string Name => Accelerator.Name;
    /// <summary>True for ILGPU's CPU accelerator (with or without the native path): kernels use CPU launch shapes.</summary>
    public bool IsCpu => Kind is DeviceKind.Cpu or DeviceKind.CpuAccelerator;

    /// <summary>
    /// True where hot operations take the native SIMD path instead of ILGPU's CPU simulator: the "cpu"
    /// device on a processor with AVX2 and FMA (elsewhere "cpu" runs ILGPU's kernels only).
    /// </summary>
    public bool NativeCpu => Kind == DeviceKind.Cpu && NativeGemm.Supported;

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

    /// <summary>Blocks until every launched kernel has finished.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    // Kernel loading: each kernel method is compiled once per device and cached by its method.
    TLauncher Load<TLauncher>(Delegate kernel, Func<TLauncher> load) where TLauncher : Delegate =>
        (TLauncher)kernels.GetOrAdd(kernel.Method, _ => load());

    public Action<KernelConfig, T1> Kernel<T1>(Action<T1> k)
        where T1 : struct => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2> Kernel<T1, T2>(Action<T1, T2> k)
        where T1 : struct where T2 : struct => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3> Kernel<T1, T2, T3>(Action<T1, T2, T3> k)
        where T1 : struct where T2 : struct where T3 : struct => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4> Kernel<T1, T2, T3, T4>(Action<T1, T2, T3, T4> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5> Kernel<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5, T6> Kernel<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7> Kernel<T1, T2, T3, T4, T5, T6, T7>(Action<T1, T2, T3, T4, T5, T6, T7> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
        where T7 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));

    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8> Kernel<T1, T2, T3, T4, T5, T6, T7, T8>(Action<T1, T2, T3, T4, T5, T6, T7, T8> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9> Kernel<T1, T2, T3, T4, T5, T6, T7, T8, T9>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> Kernel<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> Kernel<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));
    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> Kernel<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> k)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct where T12 : struct
        => Load(k, () => Accelerator.LoadStreamKernel(k));

    /// <summary>Kernels compiled so far on this device.</summary>
    public int LoadedKernels => kernels.Count;

    public override string ToString() => $"{Kind.Name()}: {Name}";

    public void Dispose()
    {
        Pool.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }
}
