namespace QSparse.Nn;

/// <summary>
/// One level of <see cref="UnetGenerator"/> (upstream's UnetSkipConnectionBlock): a stride-2 4×4 convolution
/// down, the inner levels, a stride-2 4×4 transposed convolution up, and (but for the outermost level) the
/// input concatenated with the result along the channels, x [N, outer, H, W] → [N, 2·outer, H, W], then
/// quantized by <c>qout</c>. Its children are <c>qout</c> and the Sequential <c>model</c>:
/// <list type="bullet">
/// <item>outermost: q, down[Q], norm, q, inner, ReLU, up[Q], Tanh (→ [N, out, H, W]; no pruning, no concatenation);</item>
/// <item>innermost: LeakyReLU(0.2), down[Q], q, ReLU, up[Q], norm (no pruning, no norm after down);</item>
/// <item>others: LeakyReLU(0.2), down[P, Q], norm, p, q, inner, ReLU, up[P, Q], norm, p, and Dropout(0.5) when asked.</item>
/// </list>
/// Down weights are quantized along weight dimension 1, up weights along dimension 3, as upstream.
/// </summary>
public sealed class UnetSkipBlock : Module
{
    readonly Module qout, model;

    /// <param name="outerChannels">Channels of the level's output (before the concatenation).</param>
    /// <param name="innerChannels">Channels after the down convolution.</param>
    /// <param name="inputChannels">Channels of the input; null for <paramref name="outerChannels"/>.</param>
    /// <param name="submodule">The next level inwards; null for the innermost.</param>
    /// <param name="outermost">The first level: its output is the image.</param>
    /// <param name="norm">The normalisation layers.</param>
    /// <param name="dropout">Dropout(0.5) after the level (intermediate levels only).</param>
    /// <param name="ops">The plan's operators.</param>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="generator">The default initialisation's stream (the generator re-initialises afterwards).</param>
    internal UnetSkipBlock(int outerChannels, int innerChannels, int? inputChannels, UnetSkipBlock? submodule, bool outermost,
        NormKind norm, bool dropout, PlanOperators ops, Device device, Generator? generator) : base(device)
    {
        Outermost = outermost;
        bool bias = Pix2PixLayers.ConvBias(norm);
        var down = new Conv2d(inputChannels ?? outerChannels, innerChannels, 4, stride: 2, padding: 1, bias: bias, device: Device, generator: generator);
        // NOTE: upstream's outermost block also makes a qout that its forward never calls; kept, so the state dict has upstream's keys.
        qout = RegisterModule("qout", ops.Q());
        Module[] layers;
        if (outermost)
        {
            var up = new ConvTranspose2d(innerChannels * 2, outerChannels, 4, stride: 2, padding: 1, device: Device, generator: generator);
            layers = [ops.Q(), ops.Weights(down, prune: false), Pix2PixLayers.Norm(norm, innerChannels, Device), ops.Q(), submodule!,
                new ReLU(Device), ops.Weights(up, prune: false, channelwise: 3), new Tanh(Device)];
        }
        else if (submodule == null)
        {
            // NOTE: upstream quantizes the innermost up convolution twice (q(q(upconv), c=3)): one "quantize" child, the
            // second's (channel-wise along dim 3), applied twice per forward, so its counter runs at twice the speed. Once here.
            var up = new ConvTranspose2d(innerChannels, outerChannels, 4, stride: 2, padding: 1, bias: bias, device: Device, generator: generator);
            layers = [new LeakyReLU(0.2, Device), ops.Weights(down, prune: false), ops.Q(),
                new ReLU(Device), ops.Weights(up, prune: false, channelwise: 3), Pix2PixLayers.Norm(norm, outerChannels, Device)];
        }
        else
        {
            var up = new ConvTranspose2d(innerChannels * 2, outerChannels, 4, stride: 2, padding: 1, bias: bias, device: Device, generator: generator);
            layers = [new LeakyReLU(0.2, Device), ops.Weights(down, prune: true), Pix2PixLayers.Norm(norm, innerChannels, Device), ops.P(), ops.Q(),
                submodule, new ReLU(Device), ops.Weights(up, prune: true, channelwise: 3), Pix2PixLayers.Norm(norm, outerChannels, Device), ops.P(),
                .. dropout ? [new Dropout(0.5, generator, Device)] : Array.Empty<Module>()];
        }
        model = RegisterModule("model", new Sequential(layers));
    }

    /// <summary>True for the first level, whose output is the image (no concatenation).</summary>
    public bool Outermost { get; }

    /// <summary>PyTorch's class name, for the printed form.</summary>
    public override string TypeName => "UnetSkipConnectionBlock";

    /// <summary>x [N, C, H, W] → model(x) (outermost) or qout(cat(x, model(x))) [N, C + outer, H, W].</summary>
    public override Tensor Forward(Tensor input) =>
        Outermost ? model.Call(input) : qout.Call(Tensor.Cat([input, model.Call(input)], 1));
}
