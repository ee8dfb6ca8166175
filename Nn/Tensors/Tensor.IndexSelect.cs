using QSparse.Kernels;

namespace QSparse.Nn;

public sealed partial class Tensor
{
    /// <summary>
    /// The rows of this tensor named by <paramref name="index"/> along dimension 0 (torch.index_select(x, 0, index)):
    /// [N, ...] with index int32 [B] gives [B, ...]. Not differentiable: it selects data, e.g. the
    /// examples of a batch from a data set held on the device. Indexes are checked on the host.
    /// </summary>
    public Tensor IndexSelect(int[] index)
    {
        if (Rank == 0)
            throw new ArgumentException("index_select: cannot index a 0-d tensor", nameof(index));
        foreach (int i in index)
            if (i < 0 || i >= Shape[0])
                throw new ArgumentOutOfRangeException(nameof(index), i, $"index_select: index {i} is out of range for dimension 0 of size {Shape[0]}");
        var shape = (int[])Shape.Clone();
        shape[0] = index.Length;
        var result = Empty(Device, shape, DType);
        if (result.Numel == 0)
            return result;
        int rowSize = Numel / Shape[0];
        using var rows = FromArray(Device, index, index.Length);
        var src = Storage.Buffer;
        var dst = result.Storage.Buffer;
        switch (DType)
        {
            case DType.Float32:
                GatherKernels.GatherRows(Device, src.As<float>(Numel), rows.I32, dst.As<float>(result.Numel), rowSize);
                break;
            case DType.Int32:
                GatherKernels.GatherRows(Device, src.As<int>(Numel), rows.I32, dst.As<int>(result.Numel), rowSize);
                break;
            case DType.Int64:
                GatherKernels.GatherRows(Device, src.As<long>(Numel), rows.I32, dst.As<long>(result.Numel), rowSize);
                break;
            default:
                GatherKernels.GatherRows(Device, src.As<byte>(Numel), rows.I32, dst.As<byte>(result.Numel), rowSize);
                break;
        }
        return result;
    }
}
