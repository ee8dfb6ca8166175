namespace QSparse.Kernels;

/// <summary>
/// A contiguous tensor seen as [Batch, Channels, Inner] (Inner = L or H·W, 1 for [N, C]): the layout
/// batch normalisation reduces over, keeping the channel.
/// </summary>
public readonly struct ChannelShape(int batch, int channels, int inner)
{
    public readonly int Batch = batch, Channels = channels, Inner = inner;

    /// <summary>Elements per channel: the count every channel statistic is taken over.</summary>
    public int PerChannel => Batch * Inner;

    /// <summary>The channel of linear element <paramref name="i"/>.</summary>
    public int ChannelOf(int i) => i / Inner % Channels;

    /// <summary>Linear offset of the k-th element (k &lt; PerChannel) of channel <paramref name="c"/>.</summary>
    public int Offset(int c, int k)
    {
        int n = k / Inner;
        return (n * Channels + c) * Inner + (k - n * Inner);
    }
}
