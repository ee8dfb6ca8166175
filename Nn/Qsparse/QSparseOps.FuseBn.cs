namespace QSparse.Nn;

public static partial class QSparseOps
{
    /// <summary>
    /// Folds every BatchNorm that directly follows an <see cref="IFoldableLayer"/> (Conv2d, Linear,
    /// ConvTranspose2d) into that layer: w' = w·γ/√(var + ε) per output channel, b' = (b - mean)·γ/√(var + ε) + β
    /// (a bias is created when absent), with each BatchNorm's own ε and running statistics; the BatchNorm is
    /// replaced by an <see cref="Identity"/> (in its parent's registry and fields, see <see cref="Module.SetSubmodule"/>)
    /// and retired: calling it afterwards is an error. The evaluation output is unchanged. Every replacement is
    /// checked before anything changes. Works in place and returns <paramref name="model"/>.
    /// <para>
    /// "Follows" is read from <paramref name="trace"/> when given: a BatchNorm whose input is the layer's output
    /// (a layer whose output another module also reads is an error). Without a trace it is QSPARSE's rule:
    /// the next module without children (other than QSPARSE layers) in depth-first registration order, also
    /// across nested Sequentials; right for modules that register their children in the order Forward runs them.
    /// NOTE: neither sees functional uses of the layer's output (a residual add of the raw convolution output).
    /// </para>
    /// </summary>
    public static T FuseBn<T>(T model, ModelTrace? trace = null) where T : Module
    {
        ArgumentNullException.ThrowIfNull(model);
        var folds = trace == null ? FoldsInOrder(model) : FoldsInTrace(trace);
        foreach (var f in folds)
            model.CheckReplaceable(f.BnPath, typeof(Identity));
        foreach (var f in folds)
        {
            Fold(f.Layer, f.Bn);
            model.Replace(f.BnPath, new Identity(f.Bn.Device), $"folded into '{f.LayerPath}' by FuseBn and replaced by Identity");
        }
        return model;
    }

    sealed record BnFold(string LayerPath, Module Layer, string BnPath, BatchNorm Bn);

    static List<BnFold> FoldsInOrder(Module model)
    {
        (string Path, Module Module)? previous = null;
        var folds = new List<BnFold>();
        foreach (var (path, m) in Leaves(model, ""))
        {
            if (m is BatchNorm bn && previous is { Module: IFoldableLayer } p)
                folds.Add(new(p.Path, p.Module, path, bn));
            previous = (path, m);
        }
        return folds;
    }

    static List<BnFold> FoldsInTrace(ModelTrace trace)
    {
        var folds = new List<BnFold>();
        foreach (var call in trace.Calls)
        {
            if (call.Module is not BatchNorm bn || call.InputFrom is not { Module: IFoldableLayer } layer)
                continue;
            var readers = trace.Calls.Where(c => c.InputFrom == layer && c != call).Select(c => c.Path).ToList();
            if (readers.Count > 0)
                throw new InvalidOperationException(
                    $"cannot fold '{call.Path}' into '{layer.Path}': the layer's output is also read by {string.Join(", ", readers.Select(r => $"'{r}'"))}");
            int runs = trace.Calls.Count(c => ReferenceEquals(c.Module, bn) || ReferenceEquals(c.Module, layer.Module));
            if (runs > 2)
                throw new InvalidOperationException($"cannot fold '{call.Path}' into '{layer.Path}': one of them runs more than once in the trace, and folding would change every run");
            folds.Add(new(layer.Path, layer.Module, call.Path, bn));
        }
        return folds;
    }

    /// <summary>Modules without children (other than QSPARSE layers), depth first, with their paths.</summary>
    static IEnumerable<(string Path, Module Module)> Leaves(Module parent, string prefix)
    {
        foreach (var (name, child) in parent.NamedChildren())
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (!child.NamedChildren().Any(c => c.Module is not QSparseLayer))
                yield return (path, child);
            else
                foreach (var leaf in Leaves(child, path))
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

        int channelDim = ((IFoldableLayer)layer).WeightOutputDim;
        // NOTE: a grouped transposed convolution's weight [in, out / groups, ...] holds each group's output channels only.
        int groups = channelDim > 0 && layer is ConvBase conv ? conv.Groups : 1, perGroup = weight.Shape[channelDim];
        if (perGroup * groups != channels)
            throw new ArgumentException($"{bn.TypeName}({channels}) follows a {layer.TypeName} with {perGroup * groups} output channels");
        var w = weight.ToArray<float>();
        int inner = weight.Shape.Skip(channelDim + 1).Aggregate(1, (a, b) => a * b);
        // Element i's output channel: its slice along channelDim, offset by its group's first channel (by weight dim 0).
        int groupSize = weight.Shape[0] / groups, dim0Stride = w.Length / weight.Shape[0];
        for (int i = 0; i < w.Length; i++)
            w[i] *= scale[(groups == 1 ? 0 : i / dim0Stride / groupSize * perGroup) + i / inner % perGroup];
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
