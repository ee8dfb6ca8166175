namespace QSparse.Nn;

/// <summary>What the pix2pix generator and discriminator share (qsparse-examples cyclegan_pix2pix/models/networks.py).</summary>
internal static class Pix2PixLayers
{
    /// <summary>Upstream's <c>get_norm_layer</c>: BatchNorm2d (affine, tracked) or InstanceNorm2d (neither) over <paramref name="channels"/>.</summary>
    public static Module Norm(NormKind kind, int channels, Device device) => kind switch
    {
        NormKind.Batch => new BatchNorm2d(channels, device: device),
        NormKind.Instance => new InstanceNorm2d(channels, device: device),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "norm must be Batch or Instance"),
    };

    /// <summary>Upstream's <c>use_bias</c>: only convolutions followed by instance normalisation have a bias (BatchNorm has its own shift).</summary>
    public static bool ConvBias(NormKind kind) => kind == NormKind.Instance;

    /// <summary>
    /// Upstream's <c>init_weights(net, "normal", 0.02)</c>: every convolution's weight N(0, 0.02²) and bias 0, every
    /// BatchNorm2d's weight N(1, 0.02²) and bias 0, drawn from <paramref name="generator"/> in module order.
    /// </summary>
    public static void InitWeights(Module net, Generator? generator)
    {
        foreach (var (_, m) in net.NamedModules())
        {
            if (m is ConvBase conv)
            {
                Init.Normal(conv.Weight, 0, 0.02, generator);
                if (conv.Bias is { } bias)
                    Init.Zeros(bias);
            }
            else if (m is BatchNorm2d bn)
            {
                Init.Normal(bn.Weight!, 1, 0.02, generator);
                Init.Zeros(bn.Bias!);
            }
        }
    }
}
