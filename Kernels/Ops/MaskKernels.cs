using ILGPU;

namespace QSparse.Kernels;

/// <summary>Bool-mask ops of the pruning callbacks.</summary>
public static class MaskKernels
{
    /// <summary>count[0] = the number of zero entries of mask.</summary>
    public static void CountOff(Device d, ArrayView<byte> mask, ArrayView<int> count) => d.Backend.CountOff(mask, count);

    /// <summary>
    /// Switches off the <paramref name="count"/> on entries of mask with the smallest random keys
    /// (salted by <paramref name="salt1"/>, <paramref name="salt2"/>); 1 ≤ count ≤ on entries.
    /// </summary>
    public static void SwitchOffRandom(Device d, ArrayView<byte> mask, int count, uint salt1, uint salt2) =>
        d.Backend.SwitchOffRandom(mask, count, salt1, salt2);

    /// <summary>
    /// y = mask expanded to y's shape as <paramref name="tiling"/> says (QSPARSE's strict = false evaluation):
    /// tiled and centred, true outside the tiles.
    /// </summary>
    public static void Tile(Device d, ArrayView<byte> mask, ArrayView<byte> y, MaskTiling tiling) =>
        d.Backend.TileMask(mask, y, tiling);
}
