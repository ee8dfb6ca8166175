using QSparse.Nn.Data;
using SkiaSharp;

namespace QSparse.Tests;

/// <summary>PNG and JPEG folders written by the test with SkiaSharp (so its native library must load here): pixels, order, pairs, errors naming the file.</summary>
public class ImageFolderTests
{
    /// <summary>Writes a <paramref name="width"/> x <paramref name="height"/> opaque image whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    static void Write(string path, int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, color(x, y));
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    static SKColor Pattern(int x, int y) => new((byte)(10 * x + y), (byte)(100 + x), (byte)(200 + y));

    static string NewFolder() => Directory.CreateTempSubdirectory("qsparse-images-").FullName;

    [Test]
    public void ReadsPngExactlyAndJpegNearlyInFileNameOrder()
    {
        var folder = NewFolder();
        Write(Path.Combine(folder, "b.png"), 3, 2, Pattern);
        Write(Path.Combine(folder, "a.jpg"), 3, 2, (_, _) => new SKColor(128, 64, 32), SKEncodedImageFormat.Jpeg);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        var rgb = ImageFolder.Load(folder, 3);
        Assert.That(rgb.Paths.Select(Path.GetFileName), Is.EqualTo(new[] { "a.jpg", "b.png" }));
        var png = rgb[1];
        Assert.That((png.Channels, png.Height, png.Width), Is.EqualTo((3, 2, 3)));
        Assert.That(png[0, 1, 2], Is.EqualTo(21 / 255f));
        Assert.That(png[1, 1, 2], Is.EqualTo(102 / 255f));
        Assert.That(png[2, 1, 2], Is.EqualTo(201 / 255f));
        // JPEG is lossy: a flat colour at quality 100 comes back within a level or two.
        var jpeg = rgb[0];
        Assert.That(jpeg.Pixels[..6], Has.All.EqualTo(128 / 255f).Within(2.5 / 255));
        Assert.That(jpeg.Pixels[6..12], Has.All.EqualTo(64 / 255f).Within(2.5 / 255));
        Assert.That(jpeg.Pixels[12..], Has.All.EqualTo(32 / 255f).Within(2.5 / 255));

        // Grey as PIL's convert("L"): (19595 R + 38470 G + 7471 B + 2^15) >> 16.
        var grey = ImageFolder.Load(folder, 1)[1];
        Assert.That((grey.Channels, grey.Height, grey.Width), Is.EqualTo((1, 2, 3)));
        Assert.That(grey[0, 1, 2], Is.EqualTo(((19595 * 21 + 38470 * 102 + 7471 * 201 + 32768) >> 16) / 255f));
    }

    [Test]
    public void PairedFolderSplitsEachImageIntoLeftAndRightHalves()
    {
        var folder = NewFolder();
        Write(Path.Combine(folder, "1.png"), 4, 2, Pattern);
        var pairs = PairedImageFolder.Load(folder, 3);
        Assert.That(pairs.Count, Is.EqualTo(1));
        var (a, b) = pairs[0];
        Assert.That((a.Height, a.Width, b.Height, b.Width), Is.EqualTo((2, 2, 2, 2)));
        Assert.That(a[0, 1, 1], Is.EqualTo(11 / 255f));
        Assert.That(b[0, 1, 0], Is.EqualTo(21 / 255f));
        Assert.That(b[1, 0, 1], Is.EqualTo(103 / 255f));
        var swapped = PairedImageFolder.Load(folder, 3, bToA: true)[0];
        Assert.That(swapped.Input.Pixels, Is.EqualTo(b.Pixels));

        var odd = NewFolder();
        Write(Path.Combine(odd, "1.png"), 3, 2, Pattern);
        var e = Assert.Throws<InvalidDataException>(() => PairedImageFolder.Load(odd, 3))!;
        Assert.That(e.Message, Does.Contain(Path.Combine(odd, "1.png")).And.Contain("even width"));
    }

    [Test]
    public void BadFoldersAreErrorsNamingTheFile()
    {
        var folder = NewFolder();
        Write(Path.Combine(folder, "a.png"), 3, 2, Pattern);
        var broken = Path.Combine(folder, "b.png");
        File.WriteAllBytes(broken, [1, 2, 3, 4, 5, 6, 7, 8]);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(folder, 3))!;
        Assert.That(e.Message, Does.Contain(broken));

        Write(broken, 2, 2, Pattern);
        e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(folder, 3))!;
        Assert.That(e.Message, Does.Contain(broken).And.Contain("expected 3x2"));

        var empty = NewFolder();
        e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(empty, 1))!;
        Assert.That(e.Message, Does.Contain(empty).And.Contain("no images"));

        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(folder, 2));
    }

    [Test]
    public void ATruncatedImageIsAnErrorNamingItWhenRead()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "a.png");
        Write(path, 16, 16, Pattern);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..60]);
        var e = Assert.Throws<InvalidDataException>(() => _ = ImageFolder.Load(folder, 3)[0])!;
        Assert.That(e.Message, Does.Contain(path));
    }
}
