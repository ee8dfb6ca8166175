namespace QSparse.Kernels;

/// <summary>An interpolation of <see cref="Planes"/> planes (N·C) of Rows.In × Cols.In into Rows.Out × Cols.Out.</summary>
public readonly struct Resample2dShape(int planes, ResampleAxis rows, ResampleAxis cols, InterpolateMode mode)
{
    public readonly int Planes = planes;
    public readonly ResampleAxis Rows = rows, Cols = cols;
    public readonly InterpolateMode Mode = mode;

    public int InputCount => Planes * Rows.In * Cols.In;

    public int OutputCount => Planes * Rows.Out * Cols.Out;
}
