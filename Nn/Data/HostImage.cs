namespace QSparse.Nn.Data;

/// <summary>An image in host memory: float32 pixels in CHW order (channel, then row, then column).</summary>
/// <param name="Pixels">Channels * Height * Width pixels, CHW.</param>
/// <param name="Channels">Channels (1 grey, 3 RGB).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public sealed record HostImage(float[] Pixels, int Channels, int Height, int Width)
{
    /// <summary>The pixel at channel <paramref name="c"/>, row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public float this[int c, int y, int x] => Pixels[(c * Height + y) * Width + x];
}
