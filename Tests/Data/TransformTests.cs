using QSparse.Nn.Data;

namespace QSparse.Tests;

/// <summary>Each transform against hand-computed pixels; random ones deterministic per (seed, epoch, index).</summary>
public class TransformTests
{
    static readonly SampleRandom NoRandom = new(0, 0, 0);

    /// <summary>A 1-channel image of <paramref name="rows"/>.</summary>
    static HostImage Grey(params float[][] rows) => new([.. rows.SelectMany(r => r)], 1, rows.Length, rows[0].Length);

    static HostImage Ramp(int channels, int height, int width) =>
        new([.. Enumerable.Range(0, channels * height * width).Select(i => (float)i)], channels, height, width);

    [Test]
    public void NormalizeSubtractsTheMeanAndDividesByTheStdPerChannel()
    {
        var image = new HostImage([0.5f, 1f, 0f, 0.25f], 2, 1, 2);
        Assert.That(new Normalize([0.5, 0.25], [0.5, 0.25]).Apply(image, NoRandom).Pixels, Is.EqualTo(new float[] { 0, 1, -1, 0 }));
        Assert.That(new Normalize(0.5, 2).Apply(image, NoRandom).Pixels, Is.EqualTo(new float[] { 0, 0.25f, -0.25f, -0.125f }));
        Assert.That(image.Pixels, Is.EqualTo(new float[] { 0.5f, 1f, 0f, 0.25f }), "the input is not modified");
        Assert.Throws<ArgumentException>(() => new Normalize([0.5, 0.5, 0.5], [1, 1, 1]).Apply(image, NoRandom));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Normalize(0, 0));
    }

    [Test]
    public void PadAddsZerosOnEverySide()
    {
        var padded = new Pad(1).Apply(Grey([1, 2]), NoRandom);
        Assert.That((padded.Channels, padded.Height, padded.Width), Is.EqualTo((1, 3, 4)));
        Assert.That(padded.Pixels, Is.EqualTo(new float[] { 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void RandomCropCutsTheWindowItsStreamChooses()
    {
        // 2 channels of 3x3 padded to 5x5; a 2x2 window at (top, left) drawn in that order from the example's stream.
        var image = Ramp(2, 3, 3);
        var crop = new RandomCrop(2, padding: 1);
        var offsets = new HashSet<(int, int)>();
        for (int index = 0; index < 20; index++)
        {
            var output = crop.Apply(image, new SampleRandom(9, 2, index));
            var draw = new SampleRandom(9, 2, index);
            int top = draw.Next(4), left = draw.Next(4);
            offsets.Add((top, left));
            var expected = new float[8];
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 2; y++)
                    for (int x = 0; x < 2; x++)
                    {
                        int sy = top + y - 1, sx = left + x - 1;
                        expected[(c * 2 + y) * 2 + x] = sy is >= 0 and < 3 && sx is >= 0 and < 3 ? c * 9 + sy * 3 + sx : 0;
                    }
            Assert.That(output.Pixels, Is.EqualTo(expected), $"index {index}");
            Assert.That(crop.Apply(image, new SampleRandom(9, 2, index)).Pixels, Is.EqualTo(output.Pixels));
        }
        Assert.That(offsets.Count, Is.GreaterThan(5), "the offsets vary with the index");
        // The whole padded image is the only window of its size.
        Assert.That(new RandomCrop(4, 1).Apply(Grey([1, 2], [3, 4]), NoRandom).Pixels,
            Is.EqualTo(new float[] { 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0 }));
        Assert.Throws<ArgumentException>(() => new RandomCrop(4).Apply(image, NoRandom));
    }

    [Test]
    public void RandomHorizontalFlipMirrorsWhenTheDrawIsBelowP()
    {
        var image = Grey([1, 2, 3], [4, 5, 6]);
        float[] mirrored = [3, 2, 1, 6, 5, 4];
        Assert.That(new RandomHorizontalFlip(1).Apply(image, NoRandom).Pixels, Is.EqualTo(mirrored));
        Assert.That(new RandomHorizontalFlip(0).Apply(image, NoRandom).Pixels, Is.EqualTo(image.Pixels));
        int flips = 0;
        for (int index = 0; index < 40; index++)
        {
            bool flip = new SampleRandom(4, 1, index).NextDouble() < 0.5;
            flips += flip ? 1 : 0;
            Assert.That(new RandomHorizontalFlip().Apply(image, new SampleRandom(4, 1, index)).Pixels, Is.EqualTo(flip ? mirrored : image.Pixels));
        }
        Assert.That(flips, Is.InRange(10, 30));
    }

    [Test]
    public void DownscaleAveragesEachBlock()
    {
        var image = Grey([1, 2, 3, 4], [5, 6, 7, 8]);
        var (low, high) = new Downscale(2).Apply(image, NoRandom);
        Assert.That((low.Height, low.Width), Is.EqualTo((1, 2)));
        Assert.That(low.Pixels, Is.EqualTo(new float[] { 3.5f, 5.5f }));
        Assert.That(high, Is.SameAs(image));
        var e = Assert.Throws<ArgumentException>(() => new Downscale(3).Apply(image, NoRandom))!;
        Assert.That(e.Message, Does.Contain("2x4").And.Contain("factor 3"));
    }

    [Test]
    public void EdgeMapIsTheClampedSobelMagnitude()
    {
        // One pixel of 0.1 in the middle: |gx| = |gy| = 0.1 at the corners, 0.2 across the middle edges, none at the centre.
        var dot = Grey([0, 0, 0], [0, 0.1f, 0], [0, 0, 0]);
        var (edges, image) = new EdgeMap().Apply(dot, NoRandom);
        Assert.That(image, Is.SameAs(dot));
        float s = MathF.Sqrt(0.02f);
        Assert.That(edges.Pixels, Is.EqualTo(new[] { s, 0.2f, s, 0.2f, 0, 0.2f, s, 0.2f, s }).Within(1e-6));

        // A column step of 0.1 (gx = 4 * 0.1 beside it, the border repeated), and of 1, clamped to 1.
        Assert.That(new EdgeMap().Apply(Grey([0, 0, 0.1f], [0, 0, 0.1f]), NoRandom).Input.Pixels,
            Is.EqualTo(new[] { 0, 0.4f, 0.4f, 0, 0.4f, 0.4f }).Within(1e-6));
        Assert.That(new EdgeMap().Apply(Grey([0, 1], [0, 1]), NoRandom).Input.Pixels, Is.EqualTo(new float[] { 1, 1, 1, 1 }));
        Assert.That(new EdgeMap().Apply(Grey([0.3f, 0.3f], [0.3f, 0.3f]), NoRandom).Input.Pixels, Is.EqualTo(new float[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void ImagesKeepsTheLabelsAndChainsTransformsOnOneStream()
    {
        var data = new ListDataset<LabeledImage>([new LabeledImage(Grey([1, 2]), 4)]);
        var mapped = Transform.Images(data, new Pad(1), new Normalize(0, 2));
        Assert.That(mapped[0].Label, Is.EqualTo(4));
        Assert.That(mapped[0].Image.Pixels, Is.EqualTo(new float[] { 0, 0, 0, 0, 0, 0.5f, 1, 0, 0, 0, 0, 0 }));
        Assert.That(data[0].Image.Pixels, Is.EqualTo(new float[] { 1, 2 }));
    }

    [Test]
    public void SampleRandomDependsOnSeedEpochAndIndex()
    {
        ulong First(ulong seed, int epoch, int index) => new SampleRandom(seed, epoch, index).NextUInt64();
        Assert.That(First(1, 2, 3), Is.EqualTo(First(1, 2, 3)));
        var draws = new[] { First(1, 2, 3), First(2, 2, 3), First(1, 3, 3), First(1, 2, 4), First(1, 3, 2) };
        Assert.That(draws.Distinct().Count(), Is.EqualTo(5));
        var r = new SampleRandom(5, 0, 0);
        Assert.That(Enumerable.Range(0, 100).Select(_ => r.NextDouble()), Has.All.GreaterThanOrEqualTo(0.0).And.All.LessThan(1.0));
    }
}
