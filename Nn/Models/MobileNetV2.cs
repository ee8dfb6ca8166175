namespace QSparse.Nn;

/// <summary>
/// MobileNetV2 for 32×32 inputs as the upstream CIFAR example writes it (qsparse-examples cifar10/mobilenetv2.py,
/// from kuangliu/pytorch-cifar; stride 1 in conv1 and in the second stage for CIFAR): qin → conv1 (3×3, 32, no
/// bias)[Q] → bn1 → p1 → q1 → relu1 → layers (17 <see cref="InvertedResidual"/> blocks, <see cref="Config"/>) →
/// conv2 (1×1, 320 → 1280)[P, Q] → bn2 → relu2 → avgpool → q2 → flatten → linear[Q] → logits [N, classes], from
/// input [N, inChannels, H, W] (32×32 as designed, any size through the global pooling; Fashion-MNIST padded to 32×32
/// uses inChannels 1).
/// The QSPARSE parts are placed as upstream places them (see <see cref="CifarQsparse"/> for their settings): the
/// input quantizer qin; conv1 and linear quantized, never pruned (linear with one decimal); every other
/// convolution pruned and quantized; p1/q1 after bn1, the blocks' (see <see cref="InvertedResidual"/>), none after
/// bn2, and q2 on the pooled features. 2,296,922 parameters.
/// NOTE: differences from the PyTorch original: the ReLUs, the pooling and the flattening are child modules
/// (relu1, relu2, avgpool, flatten; upstream calls F.relu, F.avg_pool2d(out, 4) and view), so the printed model
/// shows them and a <see cref="ModelTrace"/> sees every step; the pooling is global (AdaptiveAvgPool2d(1)), which on
/// 32×32 inputs is upstream's 4×4 average and also takes other sizes. State-dict keys are upstream's (conv1.weight,
/// bn1.*, layers.0.conv1.weight, …, layers.0.shortcut.0.weight, …, conv2.weight, bn2.*, linear.weight, linear.bias).
/// </summary>
public sealed class MobileNetV2 : Module
{
    /// <summary>The stages (expansion, output channels, blocks, stride of the first block), upstream's <c>cfg</c>.</summary>
    public static readonly IReadOnlyList<(int Expansion, int Planes, int Blocks, int Stride)> Config =
        [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    // NOTE: declared Module: FuseBn replaces the BatchNorms with Identity.
    readonly Module conv1, bn1, relu1, layers, conv2, bn2, relu2, avgpool, flatten, linear;
    readonly Module? qin, p1, q1, q2;

    /// <summary>
    /// The network for <paramref name="plan"/> (default: full precision), initialised from <paramref name="generator"/>
    /// in PyTorch's construction order with PyTorch's default initialisation. <paramref name="widthMultiplier"/> is the
    /// paper's α: every channel count c becomes max(1, round(α·c)) (halves away from zero), except the last convolution's 1280, which only grows
    /// (the paper's rule); 1 is upstream's network.
    /// </summary>
    public MobileNetV2(Device? device = null, Generator? generator = null, QsparsePlan? plan = null, int inChannels = 3,
        int classes = 10, double widthMultiplier = 1.0) : base(device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (!(widthMultiplier > 0) || double.IsInfinity(widthMultiplier))
            throw new ArgumentOutOfRangeException(nameof(widthMultiplier), widthMultiplier, "widthMultiplier must be positive and finite");
        int Width(int c) => Math.Max(1, (int)Math.Round(widthMultiplier * c, MidpointRounding.AwayFromZero));
        var ops = new CifarQsparse(plan);
        Module? Optional(string name, Module? m) => m is null ? null : RegisterModule(name, m);
        int stem = Width(32), head = Math.Max(1280, Width(1280));
        qin = Optional("qin", ops.ActivationQuantize(Device));
        conv1 = RegisterModule("conv1", ops.Weight(new Conv2d(inChannels, stem, 3, 1, padding: 1, bias: false, device: Device, generator: generator), prunable: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(stem, device: Device));
        p1 = Optional("p1", ops.ActivationPrune(Device));
        q1 = Optional("q1", ops.ActivationQuantize(Device));
        relu1 = RegisterModule("relu1", new ReLU(Device));
        var blocks = new List<Module>();
        int inPlanes = stem;
        foreach (var (expansion, planes, count, stride) in Config)
            for (int b = 0; b < count; b++)
            {
                blocks.Add(new InvertedResidual(inPlanes, Width(planes), expansion, b == 0 ? stride : 1, Device, generator, plan));
                inPlanes = Width(planes);
            }
        layers = RegisterModule("layers", new Sequential(blocks.ToArray()));
        conv2 = RegisterModule("conv2", ops.Weight(new Conv2d(inPlanes, head, 1, bias: false, device: Device, generator: generator)));
        bn2 = RegisterModule("bn2", new BatchNorm2d(head, device: Device));
        relu2 = RegisterModule("relu2", new ReLU(Device));
        avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1, Device));
        q2 = Optional("q2", ops.ActivationQuantize(Device));
        flatten = RegisterModule("flatten", new Flatten(device: Device));
        linear = RegisterModule("linear", ops.Weight(new Linear(head, classes, device: Device, generator: generator), prunable: false, channelwise: -1));
        QSparseOps.AutoNamePruneQuantizeLayers(this);
    }

    /// <summary>
    /// The network layer each activation operator acts on the output of: qin the input, p1/q1 conv1 (through bn1),
    /// a block's p1/q1 and p2/q2 its conv1 and conv2, its p3/q3 its conv3 (plus the shortcut in stride-1 blocks),
    /// q2 the pooled features.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> OutputOf = CifarQsparse.OutputOf(
        Config.SelectMany(stage => Enumerable.Range(0, stage.Blocks).Select(b => b == 0 && stage.Stride == 2))
            .SelectMany((downsamples, i) => new[]
            {
                ($"layers.{i}", 1, $"layers.{i}.conv1"), ($"layers.{i}", 2, $"layers.{i}.conv2"),
                ($"layers.{i}", 3, downsamples ? $"layers.{i}.conv3" : $"layers.{i} (conv3 + shortcut)"),
            }));

    public override Tensor Forward(Tensor input)
    {
        var x = CifarQsparse.Apply(qin, input);
        x = relu1.Call(CifarQsparse.Apply(p1, q1, bn1.Call(conv1.Call(x))));
        x = relu2.Call(bn2.Call(conv2.Call(layers.Call(x))));
        x = flatten.Call(CifarQsparse.Apply(q2, avgpool.Call(x)));
        return linear.Call(x);
    }
}
