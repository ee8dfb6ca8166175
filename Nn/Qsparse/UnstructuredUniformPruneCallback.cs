using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// QSPARSE's unstructured uniform pruning: ignores saliency and switches off
/// trunc((s - s_current)·numel) randomly chosen entries that are still on, where s_current is the
/// fraction of the current mask already off. Entries never switch back on.
/// </summary>
public sealed class UnstructuredUniformPruneCallback(Generator? generator = null) : IPruneCallback
{
    readonly Generator generator = generator ?? Generator.Default;

    /// <summary>
    /// window: tensors of one shape [*] (only the shape is used); currentMask bool [*] or null (all on).
    /// Returns a new bool [*]. Throws ArgumentException when s is below the current sparsity by at
    /// least one entry.
    /// </summary>
    public Tensor ComputeMask(IReadOnlyList<Tensor> window, float sparsity, Tensor? currentMask)
    {
        PruneSaliency.Validate(window, sparsity);
        var device = window[0].Device;
        var shape = window[0].Shape;
        if (currentMask != null && (currentMask.DType != DType.Bool || !currentMask.Shape.SequenceEqual(shape)))
            throw new ArgumentException(
                $"currentMask ({currentMask.DType.TorchName()} {ShapeUtil.Format(currentMask.Shape)}) must be bool of the window's shape {ShapeUtil.Format(shape)}",
                nameof(currentMask));
        var mask = currentMask?.Clone() ?? Tensor.Ones(device, shape, DType.Bool);
        int numel = mask.Numel, off = 0;
        if (currentMask != null)
        {
            using var count = Tensor.Empty(device, [1], DType.Int32);
            MaskKernels.CountOff(device, mask.Bool, count.I32);
            off = (int)count.Item();
        }
        // NOTE: a float32 sparsity a hair below an exactly reached one (0.7f < 0.7) is no lowering: refuse only
        // a drop worth at least one entry.
        double change = ((double)sparsity - (double)off / numel) * numel;
        if (change <= -1)
        {
            mask.Dispose();
            throw new ArgumentException(
                $"sparsity {sparsity} is below the current mask's sparsity {(double)off / numel}: uniform pruning cannot switch entries back on",
                nameof(sparsity));
        }
        int switchOff = Math.Min((int)change, numel - off);
        if (switchOff > 0)
        {
            ulong salt = SplitMix(generator.Seed ^ SplitMix(generator.Take(numel)));
            MaskKernels.SwitchOffRandom(device, mask.Bool, switchOff, (uint)salt, (uint)(salt >> 32));
        }
        return mask;
    }

    static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
