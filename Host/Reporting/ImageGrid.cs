using SkiaSharp;

namespace QSparse.Host.Reporting;

/// <summary>A PNG of image batches side by side: one row per example, one column per batch (pix2pix: input | output | target).</summary>
public static class ImageGrid
{
    /// <summary>Each image pixel is drawn as a square of this many pixels, so 28×28 images are visible.</summary>
    public const int Zoom = 4;

    const int Gap = 2;

    /// <summary>
    /// Writes <paramref name="columns"/> (each [N, C, H, W] with C = 1 or 3, values in [0, 1], clamped) to <paramref name="path"/>
    /// (a temporary name, then renamed). The rows are the examples of the shortest batch.
    /// </summary>
    public static void Save(string path, IReadOnlyList<Tensor> columns)
    {
        var images = columns.Select(t => (Pixels: t.ToArray<float>(), Shape: t.Shape)).ToList();
        int rows = images.Min(i => i.Shape[0]);
        int cellW = images.Max(i => i.Shape[3]) * Zoom + Gap, cellH = images.Max(i => i.Shape[2]) * Zoom + Gap;
        using var bitmap = new SKBitmap(cellW * images.Count, cellH * rows, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(SKColors.White);
        for (int column = 0; column < images.Count; column++)
        {
            var (pixels, shape) = images[column];
            int c = shape[1], h = shape[2], w = shape[3];
            for (int n = 0; n < rows; n++)
                for (int y = 0; y < h * Zoom; y++)
                    for (int x = 0; x < w * Zoom; x++)
                    {
                        byte Channel(int k) => (byte)Math.Round(255 * Math.Clamp(pixels[((n * c + Math.Min(k, c - 1)) * h + y / Zoom) * w + x / Zoom], 0f, 1f));
                        bitmap.SetPixel(column * cellW + x, n * cellH + y, new SKColor(Channel(0), Channel(1), Channel(2)));
                    }
        }
        try
        {
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            AtomicFile.Write(path, data.SaveTo);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"{path}: cannot write the sample images ({e.Message})", e);
        }
    }
}
