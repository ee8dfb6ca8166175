namespace QSparse.Nn.Data;

/// <summary>Cuts a window out of an image.</summary>
static class Crop
{
    /// <summary>The <paramref name="height"/> x <paramref name="width"/> window of <paramref name="input"/> whose top-left pixel is (<paramref name="top"/>, <paramref name="left"/>).</summary>
    public static HostImage Window(HostImage input, int top, int left, int height, int width)
    {
        var output = new float[input.Channels * height * width];
        for (int c = 0; c < input.Channels; c++)
            for (int y = 0; y < height; y++)
                Array.Copy(input.Pixels, (c * input.Height + top + y) * input.Width + left, output, (c * height + y) * width, width);
        return new HostImage(output, input.Channels, height, width);
    }
}
