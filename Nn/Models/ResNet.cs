namespace QSparse.Nn;

/// <summary>
/// The CIFAR ResNets for 32×32 inputs, written as kuangliu/pytorch-cifar's <c>ResNet</c> (the code the upstream
/// CIFAR example, qsparse-examples cifar10, is modified from): qin → conv1 (3×3, stride 1, no bias)[Q] → bn1 → p1
/// → q1 → relu → layer1 … layerK (<see cref="BasicBlock"/>s; stage i has width·2^(i-1) channels, its first block
/// stride 2 except in layer1) → avgpool → q2 → flatten → linear[Q] → logits [N, classes], from input
/// [N, inChannels, H, W] (32×32 as designed, any size through the global pooling; Fashion-MNIST padded to 32×32 uses
/// inChannels 1).
/// <list type="bullet">
/// <item><see cref="ResNet20"/>: He et al.'s CIFAR ResNet-20, 3 stages of 3 blocks, 16/32/64 channels, but with
/// option-B (1×1 conv + BatchNorm projection) shortcuts where the shape changes, not the paper's parameter-free
/// option A (stride-2 subsampling and zero channel padding): kuangliu's block, which serves both networks here,
/// uses projections, every shortcut is then a convolution that QSPARSE prunes and quantizes and FuseBn folds, and
/// the integer replay needs no zero-padding operator. It has 272,474 parameters where option A has 269,722 (both
/// the paper's "0.27M").</item>
/// <item><see cref="ResNet18"/>: kuangliu's CIFAR ResNet18 (3×3 stem, no max-pool, 4 stages of 2 blocks,
/// 64/128/256/512 channels), 11,173,962 parameters.</item>
/// </list>
/// Upstream has no QSPARSE ResNet; the plan's operators are placed as the example's MobileNetV2 places them (see
/// <see cref="CifarQsparse"/>): the input quantizer qin; conv1 and linear quantized but never pruned (linear with one
/// decimal); every block convolution, shortcut projections included, pruned and quantized; p1/q1 after bn1, each
/// block's p's and q's (see <see cref="BasicBlock"/>), and q2 on the pooled features before linear (the pooled
/// averages leave the grid of the last block's q2).
/// NOTE: differences from the PyTorch original: the ReLU, the pooling and the flattening are child modules (relu,
/// avgpool, flatten; PyTorch calls F.relu, F.avg_pool2d(out, 4) and view), so the printed model shows them and a
/// <see cref="ModelTrace"/> sees every step; the pooling is global (AdaptiveAvgPool2d(1)), which on 32×32 inputs
/// is the original's 4×4 average for ResNet18 and its 8×8 one for ResNet-20, and also takes other sizes. The
/// state-dict keys are PyTorch's (conv1.weight, bn1.*, layer1.0.conv1.weight, …, layer2.0.shortcut.0.weight,
/// layer2.0.shortcut.1.*, …, linear.weight, linear.bias). The QSPARSE layers are auto-named after their paths
/// (<see cref="QSparseOps.AutoNamePruneQuantizeLayers"/>); <see cref="OutputOf"/> maps them to the layers they act on.
/// </summary>
public sealed class ResNet : Module
{
    // NOTE: declared Module: FuseBn replaces the BatchNorm with Identity; the stages array is updated by rewrites too.
    readonly Module conv1, bn1, relu, avgpool, flatten, linear;
    readonly Module[] layers;
    readonly Module? qin, p1, q1, q2;

    /// <summary>
    /// A CIFAR ResNet of <see cref="BasicBlock"/>s: <paramref name="blocks"/>[i] blocks in stage i + 1, which has
    /// <paramref name="width"/>·2^i channels, for <paramref name="plan"/> (default: full precision), initialised from
    /// <paramref name="generator"/> in PyTorch's construction order with PyTorch's default initialisation.
    /// </summary>
    public ResNet(IReadOnlyList<int> blocks, int width, Device? device = null, Generator? generator = null,
        QsparsePlan? plan = null, int inChannels = 3, int classes = 10) : base(device)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0 || blocks.Any(b => b < 1))
            throw new ArgumentException($"blocks [{string.Join(", ", blocks)}] needs at least one stage of at least one block", nameof(blocks));
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var ops = new CifarQsparse(plan);
        Module? Optional(string name, Module? m) => m is null ? null : RegisterModule(name, m);
        qin = Optional("qin", ops.ActivationQuantize(Device));
        conv1 = RegisterModule("conv1", ops.Weight(new Conv2d(inChannels, width, 3, 1, padding: 1, bias: false, device: Device, generator: generator), prunable: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(width, device: Device));
        p1 = Optional("p1", ops.ActivationPrune(Device));
        q1 = Optional("q1", ops.ActivationQuantize(Device));
        relu = RegisterModule("relu", new ReLU(Device));
        layers = new Module[blocks.Count];
        int inPlanes = width;
        for (int i = 0; i < blocks.Count; i++)
        {
            int planes = width << i;
            var stage = new Sequential(Enumerable.Range(0, blocks[i])
                .Select(b => (Module)new BasicBlock(b == 0 ? inPlanes : planes, planes, b == 0 && i > 0 ? 2 : 1, Device, generator, plan))
                .ToArray());
            layers[i] = RegisterModule($"layer{i + 1}", stage);
            inPlanes = planes;
        }
        avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1, Device));
        q2 = Optional("q2", ops.ActivationQuantize(Device));
        flatten = RegisterModule("flatten", new Flatten(device: Device));
        linear = RegisterModule("linear", ops.Weight(new Linear(inPlanes, classes, device: Device, generator: generator), prunable: false, channelwise: -1));
        QSparseOps.AutoNamePruneQuantizeLayers(this);
    }

    /// <summary>ResNet-20 for 32×32 inputs: 3 stages of 3 blocks, 16/32/64 channels (option-B shortcuts, see the class notes).</summary>
    public static ResNet ResNet20(Device? device = null, Generator? generator = null, QsparsePlan? plan = null,
        int inChannels = 3, int classes = 10) => new([3, 3, 3], 16, device, generator, plan, inChannels, classes);

    /// <summary>kuangliu's CIFAR ResNet18: 4 stages of 2 blocks, 64/128/256/512 channels, 3×3 stem, no max-pool.</summary>
    public static ResNet ResNet18(Device? device = null, Generator? generator = null, QsparsePlan? plan = null,
        int inChannels = 3, int classes = 10) => new([2, 2, 2, 2], 64, device, generator, plan, inChannels, classes);

    /// <summary>
    /// The network layer each activation operator acts on the output of, for every path <see cref="ResNet20"/> and
    /// <see cref="ResNet18"/> have (other depths name theirs the same way): qin the input, p1/q1 conv1 (through
    /// bn1), a block's p1/q1 its conv1, its p2/q2 the residual sum of its conv2 and shortcut, q2 the pooled features.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> OutputOf = CifarQsparse.OutputOf(
        from stage in new (int Index, int Blocks)[] { (1, 3), (2, 3), (3, 3), (4, 2) }
        from b in Enumerable.Range(0, stage.Blocks)
        let block = $"layer{stage.Index}.{b}"
        from pair in new[] { (block, 1, $"{block}.conv1"), (block, 2, $"{block} (conv2 + shortcut)") }
        select pair);

    public override Tensor Forward(Tensor input)
    {
        var x = CifarQsparse.Apply(qin, input);
        x = relu.Call(CifarQsparse.Apply(p1, q1, bn1.Call(conv1.Call(x))));
        foreach (var stage in layers)
            x = stage.Call(x);
        x = flatten.Call(CifarQsparse.Apply(q2, avgpool.Call(x)));
        return linear.Call(x);
    }
}
