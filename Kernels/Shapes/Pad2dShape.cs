namespace QSparse.Kernels;

/// <summary>A pad of <see cref="Planes"/> planes of Rows.In × Cols.In into Rows.Out × Cols.Out.</summary>
public readonly struct Pad2dShape(int planes, PadAxis rows, PadAxis cols, PadMode mode, float value)
{
    public readonly int Planes = planes;
    public readonly PadAxis Rows = rows, Cols = cols;
    public readonly PadMode Mode = mode;

    /// <summary>The border's value in <see cref="PadMode.Constant"/> mode.</summary>
    public readonly float Value = value;

    public int InputCount => Planes * Rows.In * Cols.In;

    public int OutputCount => Planes * Rows.Out * Cols.Out;
}
