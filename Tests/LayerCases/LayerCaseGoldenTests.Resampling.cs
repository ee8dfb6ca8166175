using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Tests.LayerCases;

/// <summary>Resampling: pixel shuffle and unshuffle, Upsample nearest and bilinear (both align_corners).</summary>
public partial class LayerCaseGoldenTests
{
    [TestCaseSource(nameof(CasesOf), [new[] { "PixelShuffle" }])]
    public void PixelShuffle(string name) =>
        Cases.CheckLayer(Device, new Nn.PixelShuffle((int)Cases.Case(name)["params"]!["upscale_factor"]!, Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "PixelUnshuffle" }])]
    public void PixelUnshuffle(string name) =>
        Cases.CheckLayer(Device, new Nn.PixelUnshuffle((int)Cases.Case(name)["params"]!["downscale_factor"]!, Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "Upsample" }])]
    public void Upsample(string name)
    {
        var p = Cases.Case(name)["params"]!;
        Size2? size = p["size"] is { } s ? (int)s : null;
        var mode = (string)p["mode"]! switch
        {
            "nearest" => InterpolateMode.Nearest,
            "bilinear" => InterpolateMode.Bilinear,
            var other => throw new NotSupportedException($"{name}: mode '{other}'"),
        };
        var layer = new Nn.Upsample(size, (double?)p["scale_factor"], mode, (bool?)p["align_corners"], Device);
        Cases.CheckLayer(Device, layer, name);
    }
}
