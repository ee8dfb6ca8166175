using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// A row-major, contiguous n-dimensional array on a <see cref="Kernels.Device"/>, with reverse-mode
/// autograd. Float32 tensors can require gradients; Int32, Int64 and Bool tensors hold state and masks.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    Storage? storage;
    bool requiresGrad;

    internal Tensor(Device device, int[] shape, DType dtype, Storage? share = null)
    {
        foreach (int n in shape)
            if (n < 0)
                throw new ArgumentException($"shape [{string.Join(", ", shape)}] has a negative dimension", nameof(shape));
        Device = device;
        Shape = shape;
        DType = dtype;
        Numel = ShapeUtil.Numel(shape);
        if (share != null)
        {
            share.AddReference();
            storage = share;
        }
        else
        {
            storage = new Storage(device, Math.Max(1, Numel) * dtype.ElementSize());
        }
        TensorScope.Current?.Add(this);
    }

    public Device Device { get; }

    /// <summary>The dimensions, outermost first. Do not modify.</summary>
    public int[] Shape { get; }

    public DType DType { get; }
    public int Numel { get; }
    public int Rank => Shape.Length;

    /// <summary>Size of dimension <paramref name="dim"/>; negative counts from the end.</summary>
    public int Size(int dim) => Shape[ShapeUtil.NormalizeDim(dim, Rank)];

    public bool IsDisposed => storage == null;

    internal Storage Storage => storage ?? throw new ObjectDisposedException(nameof(Tensor),
        $"a tensor of shape [{string.Join(", ", Shape)}] was used after its device memory was released (disposed, or its TensorScope ended)");

    /// <summary>The gradient accumulated by <see cref="Backward"/>; null until then.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The node that produced this tensor, or null for leaves.</summary>
    internal GradNode? GradFn { get; set; }

    public bool IsLeaf => GradFn == null;

    /// <summary>
    /// A validation an op deferred to the host reads of this tensor's values (NllLoss's target check), so that
    /// the op itself need not wait for the device; it gets this tensor and throws when the values are invalid.
    /// </summary>
    internal Action<Tensor>? DeferredCheck { get; set; }

    public bool RequiresGrad
    {
        get => requiresGrad || GradFn != null;
        set
        {
            if (value && DType != DType.Float32)
                throw new InvalidOperationException($"only float32 tensors can require gradients, not {DType.TorchName()}");
            if (!value && GradFn != null)
                throw new InvalidOperationException("RequiresGrad can only be switched off on leaf tensors; use Detach()");
            requiresGrad = value;
        }
    }

    /// <summary>Disposes and clears the gradients of <paramref name="tensors"/> (PyTorch's zero_grad(set_to_none=True)).</summary>
    public static void ReleaseGrads(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Grad?.Dispose();
            t.Grad = null;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    internal ArrayView<float> F32 => View<float>(DType.Float32);
    internal ArrayView<int> I32 => View<int>(DType.Int32);
    internal ArrayView<long> I64 => View<long>(DType.Int64);
    internal ArrayView<byte> Bool => View<byte>(DType.Bool);

    ArrayView<T> View<T>(DType expected) where T : unmanaged
    {
        if (DType != expected)
            throw new InvalidOperationException($"expected a {expected.TorchName()} tensor, got {DType.TorchName()}");
        return Storage.Buffer.As<T>(Numel);
    }

    /// <summary>Removes this tensor from the open <see cref="TensorScope"/>; the caller now owns it.</summary>
    public Tensor DetachFromScope()
    {
        TensorScope.Forget(this);
        return this;
    }

    /// <summary>Returns the memory to the pool; the graph that made this tensor is dropped with it.</summary>
    internal void ReleaseStorage()
    {
        var s = Interlocked.Exchange(ref storage, null);
        s?.Release();
        GradFn?.Release();
    }

    /// <summary>
    /// Returns the memory to the pool now, with the intermediates the op that made this tensor saved for backward;
    /// a later Backward() through this tensor throws, naming the op that needed it.
    /// </summary>
    public void Dispose()
    {
        TensorScope.Forget(this);
        ReleaseStorage();
        GradFn = null;
    }

    public override string ToString()
    {
        var shape = $"[{string.Join(", ", Shape)}]";
        if (IsDisposed)
            return $"tensor(<disposed>, shape={shape})";
        if (Numel > 20)
            return $"tensor(shape={shape}, dtype={DType.TorchName()})";
        var values = DType switch
        {
            DType.Float32 => string.Join(", ", ToArray<float>().Select(v => v.ToString("G6"))),
            DType.Int32 => string.Join(", ", ToArray<int>()),
            DType.Int64 => string.Join(", ", ToArray<long>()),
            _ => string.Join(", ", ToArray<bool>()),
        };
        return $"tensor([{values}], shape={shape}, dtype={DType.TorchName()})";
    }
}
