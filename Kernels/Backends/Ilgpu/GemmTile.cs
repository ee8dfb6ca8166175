namespace QSparse.Kernels;

/// <summary>
/// The compile-time shape of one output tile of <see cref="GemmTileKernel"/>: a struct with constant properties,
/// so that once ILGPU specialises the kernel on it every loop bound and shared-memory size is a constant
/// (loops unroll, the register block stays in registers). Every tile runs <see cref="GemmTileKernel.Threads"/>
/// threads, each owning an 8×8 block of C, and advances K in slices of <see cref="GemmTileKernel.SliceK"/>.
/// Both sides are powers of two (the loads split quad indices with shifts and masks).
/// </summary>
internal interface IGemmTile
{
    /// <summary>Rows of C per tile (M): 8 × the thread rows.</summary>
    int Rows { get; }

    /// <summary>Columns of C per tile (N): 8 × the thread columns; Rows × Columns = 64 × 256.</summary>
    int Columns { get; }
}

/// <summary>The square tile: products with M above 64 (fc layers, backward-data, square matmuls).</summary>
internal readonly struct Tile128x128 : IGemmTile
{
    public int Rows => 128;
    public int Columns => 128;
}

/// <summary>The wide tile: few output rows over many columns (convolution forward, M = OutC of 32 or 64).</summary>
internal readonly struct Tile64x256 : IGemmTile
{
    public int Rows => 64;
    public int Columns => 256;
}
