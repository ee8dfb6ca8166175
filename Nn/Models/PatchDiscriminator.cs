namespace QSparse.Nn;

/// <summary>
/// pix2pix's PatchGAN discriminator (qsparse-examples cyclegan_pix2pix/models/networks.py, class
/// NLayerDiscriminator), in a Sequential <c>model</c>: conv(in→f, 4, stride 2, pad 1), LeakyReLU(0.2), then for
/// n = 1 .. layers − 1: conv(f·min(2^(n−1), 8) → f·min(2^n, 8), 4, stride 2, pad 1), norm, LeakyReLU(0.2), then the
/// same with stride 1, and conv(→1, 4, stride 1, pad 1). Input [N, in, H, W] (pix2pix: the input image and the
/// real or generated output, concatenated) → patch logits [N, 1, H', W'], each judging one overlapping patch:
/// for 3 layers H' = H / 8 − 2 (a 32×32 input gives 2×2; 256×256, 30×30 patches of 70×70 pixels).
/// Weights as upstream's init_weights (N(0, 0.02²), BatchNorm weights N(1, 0.02²), biases 0), from the generator.
/// NOTE: full precision in every mode, as upstream (its pix2pix model builds the discriminator without the train mode):
/// <c>plan</c> is taken so that every network is built alike, and adds nothing; it has no QSPARSE layer to map.
/// </summary>
public sealed class PatchDiscriminator : Module
{
    readonly Module model;

    /// <summary>The discriminator, initialised from <paramref name="generator"/>.</summary>
    /// <param name="device">Where the parameters live; default <see cref="Defaults.Device"/>.</param>
    /// <param name="generator">The weights' random stream; default <see cref="Defaults.Generator"/>.</param>
    /// <param name="plan">Ignored: the discriminator stays full precision (see the class notes).</param>
    /// <param name="inChannels">Channels of the input (pix2pix: input plus output image channels).</param>
    /// <param name="filters">f, the channels of the first convolution (upstream's ndf).</param>
    /// <param name="layers">Stride-2 convolutions (upstream's n_layers), ≥ 1; each halves the patch map.</param>
    /// <param name="norm">The normalisation layers (pix2pix: batch).</param>
    public PatchDiscriminator(Device? device = null, Generator? generator = null, QsparsePlan? plan = null, int inChannels = 2,
        int filters = 64, int layers = 3, NormKind norm = NormKind.Batch) : base(device)
    {
        if (inChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "PatchDiscriminator: inChannels must be at least 1");
        if (filters < 1)
            throw new ArgumentOutOfRangeException(nameof(filters), filters, "PatchDiscriminator: filters must be at least 1");
        if (layers < 1)
            throw new ArgumentOutOfRangeException(nameof(layers), layers, "PatchDiscriminator: layers must be at least 1");
        bool bias = Pix2PixLayers.ConvBias(norm);
        var sequence = new List<Module>
        {
            new Conv2d(inChannels, filters, 4, stride: 2, padding: 1, device: Device, generator: generator), new LeakyReLU(0.2, Device),
        };
        int mult = 1;
        for (int n = 1; n <= layers; n++)
        {
            int previous = mult;
            mult = 1 << Math.Min(n, 3); // min(2^n, 8)
            sequence.Add(new Conv2d(filters * previous, filters * mult, 4, stride: n < layers ? 2 : 1, padding: 1, bias: bias,
                device: Device, generator: generator));
            sequence.Add(Pix2PixLayers.Norm(norm, filters * mult, Device));
            sequence.Add(new LeakyReLU(0.2, Device));
        }
        sequence.Add(new Conv2d(filters * mult, 1, 4, stride: 1, padding: 1, device: Device, generator: generator));
        model = RegisterModule("model", new Sequential(sequence.ToArray()));
        Pix2PixLayers.InitWeights(this, generator);
    }

    /// <summary>PyTorch's class name, for the printed form.</summary>
    public override string TypeName => "NLayerDiscriminator";

    /// <summary>x [N, in, H, W] → patch logits [N, 1, H', W'].</summary>
    public override Tensor Forward(Tensor input) => model.Call(input);
}
