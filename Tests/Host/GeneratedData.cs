using SkiaSharp;

namespace QSparse.Tests;

/// <summary>Data folders the command-line tests write: CIFAR-10 binary batches, and train/ and test/ folders of PNG images (single or A|B pairs).</summary>
public static class GeneratedData
{
    /// <summary>
    /// A new CIFAR-10 folder: data_batch_1..5.bin holding <paramref name="perBatch"/> records each and test_batch.bin
    /// <paramref name="test"/>, each record a label byte then 3072 random pixel bytes.
    /// </summary>
    public static string Cifar(int perBatch, int test, int seed = 1)
    {
        var folder = Directory.CreateTempSubdirectory("qsparse-cifar-").FullName;
        var random = new Random(seed);
        byte[] Records(int n)
        {
            var bytes = new byte[n * 3073];
            random.NextBytes(bytes);
            for (int i = 0; i < n; i++)
                bytes[i * 3073] = (byte)random.Next(10);
            return bytes;
        }
        for (int b = 1; b <= 5; b++)
            File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), Records(perBatch));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(test));
        return folder;
    }

    /// <summary>
    /// A new folder with train/ and test/ subfolders of <paramref name="train"/> and <paramref name="test"/> grey PNG images of
    /// <paramref name="height"/> × <paramref name="width"/> pixels (smooth random gradients).
    /// </summary>
    public static string Images(int train, int test, int height, int width, int seed = 1)
    {
        var folder = Directory.CreateTempSubdirectory("qsparse-png-").FullName;
        var random = new Random(seed);
        foreach (var (split, n) in new[] { ("train", train), ("test", test) })
        {
            Directory.CreateDirectory(Path.Combine(folder, split));
            for (int i = 0; i < n; i++)
            {
                int a = random.Next(1, 8), b = random.Next(1, 8), c = random.Next(64);
                using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        byte v = (byte)((a * x + b * y + c) % 256);
                        bitmap.SetPixel(x, y, new SKColor(v, v, v));
                    }
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, split, $"{i:000}.png"), data.ToArray());
            }
        }
        return folder;
    }
}
