namespace QSparse.Nn;

public static partial class QSparseOps
{
    /// <summary>
    /// Folds every BatchNorm that directly follows an <see cref="IFoldableLayer"/> (Conv2d, Linear,
    /// ConvTranspose2d) into that layer: w' = w·γ/√(var + ε) per output channel, b' = (b - mean)·γ/√(var + ε) + β
    /// (a bias is created when absent), with its running statistics, and removes it as QSPARSE's fuse_bn does.
    /// The evaluation output is unchanged. Every replacement is checked before anything changes. Works in place
    /// and returns <paramref name="model"/>.
    /// <para>
    /// Removal, as the reference: the model when it is a Sequential, else each of its children that is one, is
    /// rebuilt (<c>nn.Sequential(*kept)</c>) together with every Sequential nested in it: folded BatchNorms are
    /// left out, children are renumbered "0", "1", ..., a nested Sequential left with one child is replaced by
    /// that child and one left empty is dropped; so state-dict keys are the reference's (later indexes shift).
    /// A rebuilt child Sequential of the model left with one child is replaced by it, one left empty by an
    /// <see cref="Identity"/> (the reference stores None there; the state dict is the same).
    /// A folded BatchNorm anywhere else (a field of a user module, a Sequential inside one) is replaced by an
    /// <see cref="Identity"/> (in its parent's registry and fields, see <see cref="Module.SetSubmodule"/>).
    /// A removed BatchNorm is retired: calling it afterwards is an error.
    /// </para>
    /// <para>
    /// Differences on purpose: each BatchNorm's own ε (the reference uses 1e-5 whatever the BatchNorm's);
    /// BatchNorms outside the Sequentials the reference rebuilds are folded too (the reference leaves them), and
    /// so is one after a nested Sequential ending in the layer (the reference folds only into a layer that is
    /// itself the previous item of the rebuilt sequence);
    /// the model itself stays a Sequential when one child is left (it is changed in place), and a child
    /// Sequential whose field is declared <see cref="Sequential"/> stays one when it cannot be replaced.
    /// </para>
    /// <para>
    /// A bias created on a layer whose weight is quantized (<see cref="Quantize{T}"/>) is quantized too when
    /// <paramref name="biasBits"/> is not -1: child "quantize_bias" with biasBits bits, channel-wise along dim 0 when the
    /// weight's quantizer is channel-wise, its other settings the weight quantizer's, as <c>Quantize(layer, biasBits: biasBits)</c>
    /// would have made it had the layer had a bias (the reference's quantize installs its bias quantizer whatever the layer's
    /// bias, so its fuse_bn's new bias is quantized). Its timeout is the weight quantizer's steps left to its timeout (none when
    /// passed), so both decimals are searched in the same forward. -1 (default) leaves a created bias in full precision.
    /// </para>
    /// <para>
    /// "Follows" is read from <paramref name="trace"/> when given: a BatchNorm whose input is the layer's output
    /// (a layer whose output another module also reads is an error). Without a trace it is QSPARSE's rule:
    /// the next module without children (other than QSPARSE layers) in depth-first registration order, also
    /// across nested Sequentials; right for modules that register their children in the order Forward runs them.
    /// NOTE: neither sees functional uses of the layer's output (a residual add of the raw convolution output).
    /// </para>
    /// </summary>
    public static T FuseBn<T>(T model, ModelTrace? trace = null, int biasBits = -1) where T : Module
    {
        ArgumentNullException.ThrowIfNull(model);
        if (biasBits != -1 && (biasBits < 2 || biasBits > 31))
            throw new ArgumentOutOfRangeException(nameof(biasBits), biasBits, "biasBits must be -1 (none) or in 2..31");
        var folds = trace == null ? FoldsInOrder(model) : FoldsInTrace(trace);
        var removed = new HashSet<Module>(folds.Select(f => f.Bn), ReferenceEqualityComparer.Instance);
        var plan = new List<(Sequential Sequential, List<Module> Kept)>();
        var roots = (model is Sequential ? [("", model)] : model.NamedChildren().Where(c => c.Module is Sequential))
            .Select(c => (Path: c.Name, Kept: Rebuilt((Sequential)c.Module, removed, plan))).ToList();
        var inRebuilt = new HashSet<Module>(plan.SelectMany(p => p.Sequential.NamedChildren().Select(c => c.Module)), ReferenceEqualityComparer.Instance);
        var elsewhere = folds.Where(f => !inRebuilt.Contains(f.Bn)).ToList();
        foreach (var f in elsewhere)
            model.CheckReplaceable(f.BnPath, typeof(Identity));
        // A child Sequential left with one child or none is replaced in the model where its field allows it.
        var unwrap = roots.Where(r => r.Path.Length > 0 && r.Kept.Count <= 1)
            .Select(r => (r.Path, Replacement: r.Kept.Count == 1 ? r.Kept[0] : null))
            .Where(r => CanReplace(model, r.Path, r.Replacement?.GetType() ?? typeof(Identity))).ToList();

        foreach (var f in folds)
            Fold(f, biasBits);
        foreach (var f in elsewhere)
            model.Replace(f.BnPath, new Identity(f.Bn.Device), $"folded into '{f.LayerPath}' by FuseBn and replaced by Identity");
        foreach (var (sequential, kept) in plan)
        {
            foreach (var (_, child) in sequential.NamedChildren().Where(c => !kept.Contains(c.Module)))
                child.Retire(removed.Contains(child)
                    ? $"folded into '{folds.First(f => ReferenceEquals(f.Bn, child)).LayerPath}' by FuseBn and removed from its Sequential"
                    : "unwrapped or dropped by FuseBn's rebuild of its Sequential");
            if (!sequential.NamedChildren().Select(c => c.Module).SequenceEqual(kept)
                || sequential.NamedChildren().Select(c => c.Name).Where((n, i) => n != i.ToString()).Any())
                sequential.RenumberChildren(kept);
        }
        foreach (var (path, replacement) in unwrap)
            model.Replace(path, replacement ?? new Identity(model.Device), "unwrapped by FuseBn's rebuild of its Sequential");
        return model;
    }

    /// <summary>
    /// The children <paramref name="sequential"/> keeps (the reference's fuse_bn_sequential): folded BatchNorms left
    /// out, nested Sequentials rebuilt, then dropped when empty or replaced by their only child. Records in
    /// <paramref name="plan"/> what each rebuilt Sequential keeps, inner ones first; changes nothing.
    /// </summary>
    static List<Module> Rebuilt(Sequential sequential, HashSet<Module> removed, List<(Sequential, List<Module>)> plan)
    {
        var kept = new List<Module>();
        foreach (var (_, child) in sequential.NamedChildren())
        {
            if (removed.Contains(child))
                continue;
            if (child is Sequential nested)
            {
                var inner = Rebuilt(nested, removed, plan);
                if (inner.Count == 1)
                    kept.Add(inner[0]);
                else if (inner.Count > 1)
                    kept.Add(nested);
            }
            else
                kept.Add(child);
        }
        plan.Add((sequential, kept));
        return kept;
    }

    static bool CanReplace(Module model, string path, Type replacement)
    {
        try
        {
            model.CheckReplaceable(path, replacement);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
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
            // A Sequential holding the BatchNorm hands the layer's output on to it unchanged: not another reader.
            var readers = trace.Calls.Where(c => c.InputFrom == layer && c != call
                && !(c.Module is Sequential && call.Path.StartsWith(c.Path + ".", StringComparison.Ordinal))).Select(c => c.Path).ToList();
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

    static void Fold(BnFold f, int biasBits)
    {
        var (layer, bn) = (f.Layer, f.Bn);
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
        {
            layer.SetParameter("bias", Tensor.FromArray(weight.Device, bias, channels));
            if (biasBits != -1 && layer.ParameterTransforms("weight").OfType<QuantizeLayer>().LastOrDefault() is { } q)
                layer.AddParameterTransform("bias", "quantize_bias", new QuantizeLayer(biasBits, q.Channelwise >= 0 ? 0 : -1, q.DecimalRange,
                    q.SaturateRange, Math.Max(0, q.Timeout - q.NUpdates), q.Interval, q.WindowSize, q.Callback,
                    q.Name.Length == 0 ? "" : $"{f.LayerPath}.quantize_bias", collapse: -1, layer.Device));
        }
    }
}
