using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The resampling and padding modules: PyTorch 1.13's printed forms, their configuration reaching the functional
/// form, and the one-line errors for bad input. Values are checked by the op table (Tests/Ops/OpTable.Resampling.cs).
/// </summary>
public class ResamplingTests(string kind) : DeviceTest(kind)
{
    Tensor R(ulong seed, params int[] shape) => Tensor.Rand(Device, shape, new Generator(seed), -1, 1);

    [Test]
    public void PrintedAsPyTorch()
    {
        Assert.That(new PixelShuffle(3, Device).ToString(), Is.EqualTo("PixelShuffle(upscale_factor=3)"));
        Assert.That(new PixelUnshuffle(2, Device).ToString(), Is.EqualTo("PixelUnshuffle(downscale_factor=2)"));
        Assert.That(new Upsample(scaleFactor: 2, device: Device).ToString(), Is.EqualTo("Upsample(scale_factor=2.0, mode=nearest)"));
        Assert.That(new Upsample((4, 6), mode: InterpolateMode.Bilinear, alignCorners: true, device: Device).ToString(),
            Is.EqualTo("Upsample(size=(4, 6), mode=bilinear)"));
        Assert.That(new Upsample(5, device: Device).ToString(), Is.EqualTo("Upsample(size=5, mode=nearest)"));
        Assert.That(new ZeroPad2d(1, Device).ToString(), Is.EqualTo("ZeroPad2d(padding=(1, 1, 1, 1), value=0.0)"));
        Assert.That(new ConstantPad2d((1, 0, 2, 3), 3.5, Device).ToString(), Is.EqualTo("ConstantPad2d(padding=(1, 0, 2, 3), value=3.5)"));
        Assert.That(new ReflectionPad2d((1, 1, 2, 0), Device).ToString(), Is.EqualTo("ReflectionPad2d((1, 1, 2, 0))"));
        Assert.That(new ReplicationPad2d(2, Device).ToString(), Is.EqualTo("ReplicationPad2d((2, 2, 2, 2))"));
    }

    [Test]
    public void PadModulesPadAsTheirMode()
    {
        var x = Tensor.FromArray(Device, [1f, 2f, 3f, 4f, 5f, 6f], 1, 1, 2, 3);
        Assert.That(new ZeroPad2d((1, 0, 0, 1), Device).Call(x).ToArray<float>(), Is.EqualTo(new[] { 0f, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0 }));
        Assert.That(new ConstantPad2d((0, 1, 0, 0), -2, Device).Call(x).ToArray<float>(), Is.EqualTo(new[] { 1f, 2, 3, -2, 4, 5, 6, -2 }));
        Assert.That(new ReflectionPad2d((2, 0, 1, 0), Device).Call(x).ToArray<float>(),
            Is.EqualTo(new[] { 6f, 5, 4, 5, 6, 3, 2, 1, 2, 3, 6, 5, 4, 5, 6 }));
        Assert.That(new ReplicationPad2d((0, 2, 0, 0), Device).Call(x).ToArray<float>(), Is.EqualTo(new[] { 1f, 2, 3, 3, 3, 4, 5, 6, 6, 6 }));
    }

    [Test]
    public void UpsampleBySizeAndByFactorAgreeOnDoubling()
    {
        var x = R(1, 1, 2, 3, 4);
        var bySize = new Upsample((6, 8), mode: InterpolateMode.Bilinear, device: Device).Call(x).ToArray<float>();
        var byFactor = new Upsample(scaleFactor: 2, mode: InterpolateMode.Bilinear, device: Device).Call(x).ToArray<float>();
        Assert.That(bySize, Is.EqualTo(byFactor));
    }

    [Test]
    public void BadInputIsOneLineNamingTheArgument()
    {
        AssertArgument(() => Functional.PixelShuffle(R(2, 1, 6, 2, 2), 2), "input", "divisible by upscale_factor² (4)");
        AssertArgument(() => Functional.PixelShuffle(R(3, 4, 2), 2), "input", "at least 3 dimensions");
        AssertArgument(() => Functional.PixelUnshuffle(R(4, 1, 1, 4, 5), 2), "input", "divisible by downscale_factor (2)");
        AssertArgument(() => Functional.PixelShuffle(R(5, 1, 4, 2, 2), 0), "upscale_factor", "must be positive");
        AssertArgument(() => Functional.Interpolate(R(6, 2, 3, 4), scaleFactor: 2), "input", "expected [N, C, H, W]");
        AssertArgument(() => Functional.Interpolate(R(7, 1, 1, 2, 2)), "size", "exactly one of size and scale_factor");
        AssertArgument(() => Functional.Interpolate(R(8, 1, 1, 2, 2), scaleFactor: 2, alignCorners: false), "alignCorners", "mode=bilinear");
        AssertArgument(() => Functional.Interpolate(R(9, 1, 1, 2, 2), scaleFactor: 0.2), "scaleFactor", "must be positive");
        AssertArgument(() => Functional.Interpolate(R(9, 1, 1, 2, 2), scaleFactor: -1), "scaleFactor", "must be positive and finite");
        AssertArgument(() => Functional.Pad(R(10, 1, 1, 2, 2), [1, 1, 1]), "pad", "(left, right, top, bottom)");
        AssertArgument(() => Functional.Pad(R(11, 1, 3, 3), [3, 0, 0, 0], PadMode.Reflect), "pad", "(3) must be below the padded extent (3)");
        AssertArgument(() => Functional.Pad(R(12, 1, 3, 3), [0, 0, -1, 0], PadMode.Replicate), "pad", "non-negative");
        AssertArgument(() => Functional.Pad(R(13, 3, 3), [1, 1, 1, 1], PadMode.Reflect), "input", "3-d or 4-d input");
        AssertArgument(() => Functional.Pad(R(14, 2, 2), [-1, -1]), "pad", "leaves nothing");
    }

    static void AssertArgument(TestDelegate code, string parameter, string message)
    {
        var e = Assert.Catch<ArgumentException>(code)!;
        Assert.That(e.ParamName, Is.EqualTo(parameter), e.Message);
        Assert.That(e.Message, Does.Contain(message));
        Assert.That(e.Message.Split('\n'), Has.Length.EqualTo(1), "one line");
    }
}
