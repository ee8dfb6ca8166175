namespace QSparse.Host.Training;

/// <summary>
/// The <see cref="NetworkConfig"/> of a state dict that records none (no "extra.config.*" entries: one PyTorch wrote, or
/// <c>qsparse export --format torch-state-dict</c>), read from its keys: the network from a key only it has, the image
/// channels, classes and scale from its first and last layers' shapes, the mode from which quantizers (".decimal") and
/// masks (".mask") exist, what is pruned from whether the masks are weights' (".prune.mask") or features', and --fuse-bn
/// from BatchNorm entries missing (or, for a CIFAR classifier, bias quantizers). The schedule (order, window, E) shapes no
/// key: it comes from <see cref="NetworkHints"/>, and matters only to a quantizer or pruner that has not finished.
/// </summary>
public static class NetworkInference
{
    /// <summary>Per network: the key prefix only it has, the weight whose dim 1 is the image channels, the one whose dim 0 gives the classes (or scale).</summary>
    static readonly (ModelKind Model, string Prefix, string Input, string? Output)[] Signatures =
    [
        (ModelKind.Pix2pix, "netG.", "netG.model.model.1.weight", null),
        (ModelKind.Espcn, "first_part.", "first_part.0.weight", "last_part.0.weight"),
        (ModelKind.Mobilenetv2, "layers.", "conv1.weight", "linear.weight"),
        (ModelKind.Resnet18, "layer4.", "conv1.weight", "linear.weight"),
        (ModelKind.Resnet20, "layer1.", "conv1.weight", "linear.weight"),
        (ModelKind.Mnist, "fc2.", "conv1.weight", "fc2.weight"),
    ];

    /// <summary>True when <paramref name="entries"/> record their configuration (the "extra.config.*" entries of a train checkpoint).</summary>
    public static bool Recorded(IReadOnlyDictionary<string, HostTensor> entries) =>
        entries.Keys.Any(k => k.StartsWith(Checkpoint.ExtraPrefix + "config.", StringComparison.Ordinal));

    /// <summary>The configuration of the state dict <paramref name="entries"/> (of the file <paramref name="path"/>, named in errors).</summary>
    public static NetworkConfig Infer(IReadOnlyDictionary<string, HostTensor> entries, string path, NetworkHints hints)
    {
        var keys = entries.Keys;
        var signature = hints.Model is { } given
            ? Signatures.Single(s => s.Model == given)
            : Signatures.FirstOrDefault(s => keys.Any(k => k.StartsWith(s.Prefix, StringComparison.Ordinal)));
        if (signature.Prefix == null)
            throw new InvalidDataException($"{path}: no extra.config.* entries and no key that names the network ("
                                           + string.Join(", ", Signatures.Select(s => $"{s.Prefix}*: {TrainOptions.Spell(s.Model)}")) + "): give --model");
        bool quantizes = keys.Any(k => k.EndsWith(".decimal", StringComparison.Ordinal));
        bool weightMasks = keys.Any(k => k.EndsWith(".prune.mask", StringComparison.Ordinal));
        bool featureMasks = keys.Any(k => k.EndsWith(".mask", StringComparison.Ordinal) && !k.EndsWith(".prune.mask", StringComparison.Ordinal));
        var mode = (quantizes, weightMasks || featureMasks) switch
        {
            (true, true) => TrainMode.QuantizePrune,
            (true, false) => TrainMode.Quantize,
            (false, true) => TrainMode.Prune,
            _ => TrainMode.Float,
        };
        var prune = (weightMasks, featureMasks) switch
        {
            (true, false) => PruneTarget.Weights,
            (false, true) => PruneTarget.Features,
            _ => PruneTarget.Both,
        };
        var model = signature.Model;
        bool cifar = model is ModelKind.Resnet20 or ModelKind.Resnet18 or ModelKind.Mobilenetv2;
        // NOTE: ESPCN has no BatchNorm, so --fuse-bn changes nothing there and shows in no key: read as off. pix2pix folds its
        // generator only (ModelCatalog.FoldedPart): the discriminator keeps its BatchNorms.
        string folded = model == ModelKind.Pix2pix ? "netG." : "";
        bool fuseBn = quantizes && model != ModelKind.Espcn
                      && (!keys.Any(k => k.StartsWith(folded, StringComparison.Ordinal) && k.EndsWith(".running_mean", StringComparison.Ordinal))
                          || cifar && keys.Any(k => k.Contains(".quantize_bias.", StringComparison.Ordinal)));
        int channels = Dim(entries, signature.Input, 1, model, path);
        int outputs = signature.Output is { } o ? Dim(entries, o, 0, model, path) : 0;
        var task = ModelCatalog.TaskOf(model);
        return new NetworkConfig(mode, prune, hints.Order ?? QsparseOrder.QuantizeFirst, hints.Window ?? 8, fuseBn, hints.StepsPerEpoch ?? 120)
        {
            Model = model, Task = task, Channels = channels,
            Classes = task == TaskKind.Classification ? outputs : 0,
            Scale = model == ModelKind.Espcn ? Scale(outputs, channels, signature.Output!, path) : 1,
        };
    }

    /// <summary>Dimension <paramref name="dim"/> of the layer weight <paramref name="key"/>; absent, an error naming it and what it gives.</summary>
    static int Dim(IReadOnlyDictionary<string, HostTensor> entries, string key, int dim, ModelKind model, string path) =>
        entries.TryGetValue(key, out var t) && t.Shape.Length > dim
            ? t.Shape[dim]
            : throw new InvalidDataException(
                $"{path}: no layer weight '{key}', from which --model {TrainOptions.Spell(model)} reads its {(dim == 1 ? "image channels" : "outputs")} (extra.config.* entries absent)");

    /// <summary>ESPCN's factor s from its last convolution's channels·s² outputs.</summary>
    static int Scale(int outputs, int channels, string key, string path)
    {
        int scale = (int)Math.Round(Math.Sqrt(outputs / (double)channels));
        return scale * scale * channels == outputs
            ? scale
            : throw new InvalidDataException($"{path}: '{key}' has {outputs} outputs, not {channels} channels times a square scale");
    }
}
