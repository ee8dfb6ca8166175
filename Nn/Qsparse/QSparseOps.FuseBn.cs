namespace QSparse.Nn;

public static partial class QSparseOps
{
    /// <summary>
    /// Folds every BatchNorm that directly follows a Conv2d, Linear or ConvTranspose2d in depth-first order
    /// (also across nested Sequentials) into that layer: w' = w·γ/√(var + ε) per output channel,
    /// b' = (b - mean)·γ/√(var + ε) + β (a bias is created when absent), with each BatchNorm's own ε and
    /// running statistics; the BatchNorm is replaced by an <see cref="Identity"/>. The evaluation output is
    /// unchanged. Works in place and returns <paramref name="model"/>.
    /// </summary>
    public static T FuseBn<T>(T model) where T : Module
    {
        ArgumentNullException.ThrowIfNull(model);
        Module? previous = null;
        var folds = new List<(Module Layer, BatchNorm Bn, Module Parent, string Name)>();
        foreach (var (parent, name, m) in Leaves(model))
        {
            if (m is BatchNorm bn && previous is Conv2d or Linear or ConvTranspose2d)
                folds.Add((previous!, bn, parent, name));
            previous = m;
        }
        foreach (var (layer, bn, parent, name) in folds)
        {
            Fold(layer, bn);
            parent.ReplaceChild(name, new Identity(bn.Device));
        }
        return model;
    }

    /// <summary>Modules without children, depth first, with their parent and name.</summary>
    static IEnumerable<(Module Parent, string Name, Module Module)> Leaves(Module parent)
    {
        foreach (var (name, child) in parent.NamedChildren())
        {
            if (!child.NamedChildren().Any(c => c.Module is not QSparseLayer))
                yield return (parent, name, child);
            else
                foreach (var leaf in Leaves(child))
                    yield return leaf;
        }
    }

    static void Fold(Module layer, BatchNorm bn)
    {
        var weight = layer.RawParameter("weight")!;
        int channels = bn.NumFeatures;
        var gamma = bn.Weight?.ToArray<float>() ?? Enumerable.Repeat(1f, channels).ToArray();
        var beta = bn.Bias?.ToArray<float>() ?? new float[channels];
        var mean = bn.RunningMean?.ToArray<float>() ?? throw new InvalidOperationException("fuse_bn needs a BatchNorm with running statistics");
        var variance = bn.RunningVar!.ToArray<float>();
        var scale = new float[channels];
        for (int c = 0; c < channels; c++)
            scale[c] = (float)(gamma[c] / Math.Sqrt(variance[c] + bn.Eps));

        // NOTE: ConvTranspose2d keeps its weight as [in, out, kh, kw]: output channels are dimension 1.
        int channelDim = layer is ConvTranspose2d ? 1 : 0;
        if (weight.Shape[channelDim] != channels)
            throw new ArgumentException($"{bn.TypeName}({channels}) follows a {layer.TypeName} with {weight.Shape[channelDim]} output channels");
        var w = weight.ToArray<float>();
        int inner = weight.Shape.Skip(channelDim + 1).Aggregate(1, (a, b) => a * b);
        for (int i = 0; i < w.Length; i++)
            w[i] *= scale[i / inner % channels];
        using (var fused = Tensor.FromArray(weight.Device, w, weight.Shape))
            weight.CopyFrom(fused);

        var bias = layer.RawParameter("bias")?.ToArray<float>() ?? new float[channels];
        for (int c = 0; c < channels; c++)
            bias[c] = (bias[c] - mean[c]) * scale[c] + beta[c];
        if (layer.RawParameter("bias") is { } b)
        {
            using var fused = Tensor.FromArray(b.Device, bias, channels);
            b.CopyFrom(fused);
        }
        else
            layer.SetParameter("bias", Tensor.FromArray(weight.Device, bias, channels));
    }
}
