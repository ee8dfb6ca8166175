using SkiaSharp;

namespace QSparse.Nn.Data;

/// <summary>PNG and JPEG files read with SkiaSharp.</summary>
static class ImageFile
{
    /// <summary>The file extensions read (lower case).</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>The width and height in the file's header; a file SkiaSharp cannot decode is an error naming it.</summary>
    public static (int Width, int Height) Size(string path)
    {
        using var codec = Open(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// The image at <paramref name="path"/> with pixels b/255: 3 channels RGB, or 1 channel grey computed as
    /// PIL's <c>convert("L")</c> does, <c>(19595 R + 38470 G + 7471 B + 2^15) >> 16</c> (ITU-R 601 luma). Alpha is dropped.
    /// </summary>
    public static HostImage Read(string path, int channels)
    {
        using var codec = Open(path);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"{path}: cannot decode the image ({result})");
        var rgba = bitmap.GetPixelSpan();
        int plane = info.Width * info.Height;
        var pixels = new float[channels * plane];
        for (int i = 0; i < plane; i++)
        {
            int r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            if (channels == 1)
                pixels[i] = ((19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16) / 255f;
            else
            {
                pixels[i] = r / 255f;
                pixels[plane + i] = g / 255f;
                pixels[2 * plane + i] = b / 255f;
            }
        }
        return new HostImage(pixels, channels, info.Height, info.Width);
    }

    static SKCodec Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: missing image file");
        return SKCodec.Create(path) ?? throw new InvalidDataException($"{path}: not a PNG or JPEG image SkiaSharp can decode");
    }
}
