using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Nn;

public sealed partial class Tensor
{
    /// <summary>An uninitialised tensor.</summary>
    public static Tensor Empty(Device device, int[] shape, DType dtype = DType.Float32) =>
        new(device, (int[])shape.Clone(), dtype);

    public static Tensor Zeros(Device device, int[] shape, DType dtype = DType.Float32) => Full(device, shape, 0, dtype);

    public static Tensor Ones(Device device, int[] shape, DType dtype = DType.Float32) => Full(device, shape, 1, dtype);

    public static Tensor Full(Device device, int[] shape, double value, DType dtype = DType.Float32)
    {
        var t = Empty(device, shape, dtype);
        t.Fill(value);
        return t;
    }

    /// <summary>Overwrites every element with <paramref name="value"/> (fill_).</summary>
    public Tensor Fill(double value)
    {
        switch (DType)
        {
            case DType.Float32: ElementwiseKernels.Fill(Device, F32, (float)value); break;
            case DType.Int32: CopyKernels.Fill(Device, I32, (int)value); break;
            case DType.Int64: CopyKernels.Fill(Device, I64, (long)value); break;
            default: CopyKernels.Fill(Device, Bool, value != 0 ? (byte)1 : (byte)0); break;
        }
        return this;
    }

    public static Tensor Arange(Device device, int end) => Arange(device, 0, end, 1);

    public static Tensor Arange(Device device, double start, double end, double step = 1)
    {
        if (step == 0 || (end - start) / step < 0)
            throw new ArgumentException($"arange({start}, {end}, {step}) describes no values", nameof(step));
        int n = (int)Math.Ceiling((end - start) / step);
        var t = Empty(device, [n]);
        ElementwiseKernels.Arange(device, t.F32, (float)start, (float)step);
        return t;
    }

    /// <summary>Uniform values in [low, high).</summary>
    public static Tensor Rand(Device device, int[] shape, Generator? generator = null, float low = 0, float high = 1)
    {
        var g = generator ?? Generator.Default;
        var t = Empty(device, shape);
        RandomKernels.Uniform(device, t.F32, g.Seed, g.Take(t.Numel), low, high);
        return t;
    }

    /// <summary>Standard normal values.</summary>
    public static Tensor Randn(Device device, int[] shape, Generator? generator = null)
    {
        var g = generator ?? Generator.Default;
        var t = Empty(device, shape);
        RandomKernels.Normal(device, t.F32, g.Seed, g.Take(2 * t.Numel), 0, 1);
        return t;
    }

    public static Tensor FromArray(Device device, float[] data, params int[] shape) => Upload(device, data, shape, DType.Float32);
    public static Tensor FromArray(Device device, int[] data, params int[] shape) => Upload(device, data, shape, DType.Int32);
    public static Tensor FromArray(Device device, long[] data, params int[] shape) => Upload(device, data, shape, DType.Int64);

    public static Tensor FromArray(Device device, bool[] data, params int[] shape) =>
        Upload(device, data.Select(b => b ? (byte)1 : (byte)0).ToArray(), shape, DType.Bool);

    /// <summary>A tensor from raw little-endian bytes (checkpoint loading).</summary>
    public static Tensor FromBytes(Device device, ReadOnlySpan<byte> bytes, int[] shape, DType dtype)
    {
        int numel = ShapeUtil.Numel(shape);
        if (bytes.Length != numel * dtype.ElementSize())
            throw new ArgumentException(
                $"{bytes.Length} bytes do not hold a {dtype.TorchName()} tensor of shape {ShapeUtil.Format(shape)}");
        return Upload(device, bytes.ToArray(), shape, dtype, raw: true);
    }

    static Tensor Upload<T>(Device device, T[] data, int[] shape, DType dtype, bool raw = false) where T : unmanaged
    {
        shape = shape.Length == 0 && data.Length != 1 && !raw ? [data.Length] : shape;
        var t = Empty(device, shape, dtype);
        int expected = raw ? t.Numel * dtype.ElementSize() : t.Numel;
        if (data.Length != expected)
            throw new ArgumentException($"{data.Length} values do not fill shape {ShapeUtil.Format(shape)}", nameof(data));
        HostTransfers.Upload(device, t.Bytes(), MemoryMarshal.AsBytes(data.AsSpan()));
        return t;
    }

    /// <summary>
    /// Copies the elements to the host. T must match the dtype (bool tensors can be read as bool or byte).
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        DeferredCheck?.Invoke(this);
        if (typeof(T) == typeof(bool))
            return (T[])(object)ToArray<byte>().Select(b => b != 0).ToArray();
        var expected = DType switch
        {
            DType.Float32 => typeof(float),
            DType.Int32 => typeof(int),
            DType.Int64 => typeof(long),
            _ => typeof(byte),
        };
        if (typeof(T) != expected)
            throw new InvalidOperationException($"a {DType.TorchName()} tensor cannot be read as {typeof(T).Name}");
        var result = new T[Numel];
        HostTransfers.Download(Device, Bytes(), MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>The raw little-endian bytes of the elements (checkpoint writing).</summary>
    public byte[] ToBytes()
    {
        DeferredCheck?.Invoke(this);
        var result = new byte[Numel * DType.ElementSize()];
        HostTransfers.Download(Device, Bytes(), result);
        return result;
    }

    /// <summary>The device bytes of the elements.</summary>
    ArrayView<byte> Bytes() => Storage.Buffer.View.AsContiguous().SubView(0, (long)Numel * DType.ElementSize());

    /// <summary>The value of a one-element tensor, as a double.</summary>
    public double Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {ShapeUtil.Format(Shape)}");
        return DType switch
        {
            DType.Float32 => ToArray<float>()[0],
            DType.Int32 => ToArray<int>()[0],
            DType.Int64 => ToArray<long>()[0],
            _ => ToArray<byte>()[0],
        };
    }

    /// <summary>A copy with its own storage, not part of the graph.</summary>
    public Tensor Clone()
    {
        var t = Empty(Device, Shape, DType);
        t.CopyFrom(this);
        return t;
    }

    /// <summary>Overwrites this tensor's elements with <paramref name="source"/>'s (same shape and dtype).</summary>
    public Tensor CopyFrom(Tensor source)
    {
        if (!source.Shape.SequenceEqual(Shape) || source.DType != DType)
            throw new ArgumentException(
                $"cannot copy a {source.DType.TorchName()} tensor of shape {ShapeUtil.Format(source.Shape)} into a {DType.TorchName()} tensor of shape {ShapeUtil.Format(Shape)}");
        if (Numel > 0 && !ReferenceEquals(source.Storage, Storage))
            Storage.Buffer.View.SubView(0, (long)Numel * DType.ElementSize())
                .CopyFrom(source.Storage.Buffer.View.SubView(0, (long)Numel * DType.ElementSize()));
        return this;
    }

    /// <summary>This tensor's values in another dtype (float → int truncates toward zero).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType)
            return Clone();
        var t = Empty(Device, Shape, dtype);
        switch (DType, dtype)
        {
            case (DType.Float32, DType.Bool): CopyKernels.Convert(Device, F32, t.Bool, new ConvertOps.FloatToBool()); break;
            case (DType.Float32, DType.Int32): CopyKernels.Convert(Device, F32, t.I32, new ConvertOps.FloatToInt()); break;
            case (DType.Float32, DType.Int64): CopyKernels.Convert(Device, F32, t.I64, new ConvertOps.FloatToLong()); break;
            case (DType.Bool, DType.Float32): CopyKernels.Convert(Device, Bool, t.F32, new ConvertOps.BoolToFloat()); break;
            case (DType.Int32, DType.Float32): CopyKernels.Convert(Device, I32, t.F32, new ConvertOps.IntToFloat()); break;
            case (DType.Int64, DType.Float32): CopyKernels.Convert(Device, I64, t.F32, new ConvertOps.LongToFloat()); break;
            default:
                using (var f = To(DType.Float32))
                {
                    t.Dispose();
                    return f.To(dtype);
                }
        }
        return t;
    }
}
