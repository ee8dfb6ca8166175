namespace QSparse.Host.Verification;

/// <summary>
/// Replays a quantized network (SPEC.md §9; the seed's, or any that runs its steps as modules) in integer
/// arithmetic on the host, from the state dict, and compares it layer by layer with the float pipeline in
/// evaluation mode. What runs, in which order, with which QSPARSE layers around it, is read from a
/// <see cref="ModelTrace"/> of one forward; the values (weights, decimals, masks) from the state dict.
/// int8 activations and weights (truncated, clamped, masked as the quantizers do); products aligned to the
/// accumulator's decimal d_in + max d_w (so channel-wise weight decimals shift left by max d_w − d_w[c]);
/// bias (bias_bits at its own decimals) and accumulator aligned by shifting to the finer of the two;
/// requantization by a shift of (accumulator decimal − d_out) truncated toward zero; clamps,
/// activation-pruner masks, ReLU, max-pooling and flattening on integers. With a BatchNorm between a layer and
/// its output quantizer only the layer's accumulation is checked, and the next layer starts from the float
/// pipeline's quantized output. Conv2d (any stride, padding, dilation, groups, rectangular) and Linear on [N, in]
/// are replayed; a module of another kind is an error naming it.
/// </summary>
public static class IntegerReplay
{
    sealed record Activation(long[] Data, int[] Shape, int Decimal);

    /// <summary>
    /// Runs <paramref name="net"/> (whose state is <paramref name="state"/>) on <paramref name="images"/> in
    /// evaluation mode and replays it in integers; one <see cref="LayerCheck"/> for the input quantizer and one
    /// per Conv2d or Linear layer, named by module path (qin, conv1, conv2, fc1, fc2 for the seed network),
    /// up to the first layer without an output quantizer.
    /// </summary>
    public static List<LayerCheck> Run(Module net, IReadOnlyDictionary<string, HostTensor> state, Tensor images)
    {
        var trace = Record(net, images);
        var layers = trace.Layers.ToList();
        var applied = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var checks = new List<LayerCheck>();
        Activation? x = null;
        for (int i = 0; i < layers.Count; i++)
        {
            var call = layers[i];
            if (applied.Contains(call.Module))
                continue;
            switch (call.Module)
            {
                case QuantizeLayer when x == null:
                    (var inputCheck, x) = QuantizeInput(call, state, images);
                    checks.Add(inputCheck);
                    break;
                case Conv2d or Linear:
                    var bn = layers.ElementAtOrDefault(i + 1) is { Module: BatchNorm } next && next.InputFrom == call && call.OutputOperators.Count == 0 ? next : null;
                    var (check, output) = ReplayLayer(call, bn, trace, x ?? throw new InvalidOperationException(
                        $"'{call.Path}' has no integer input: verify-int needs a network whose input is quantized (--mode quantize or quantize+prune)"), state);
                    checks.Add(check);
                    applied.UnionWith((bn ?? call).OutputOperators);
                    if (output == null)
                        return checks;
                    x = output;
                    if (bn != null)
                        i++;
                    break;
                case ReLU when x != null:
                    x = x with { Data = x.Data.Select(v => Math.Max(v, 0)).ToArray() };
                    break;
                case MaxPool2d pool when x != null:
                    x = MaxPool(x, pool, call.OutputShape);
                    break;
                case Flatten when x != null:
                    x = x with { Shape = call.OutputShape };
                    break;
                case DropoutModule or Identity:
                    break;
                default:
                    throw new InvalidOperationException($"verify-int cannot replay {call.Module.TypeName} at '{call.Path}' in integers");
            }
        }
        return checks;
    }

    static ModelTrace Record(Module net, Tensor images)
    {
        net.Eval();
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        return ModelTrace.Record(net, images, keepOutputs: true);
    }

    static (LayerCheck, Activation) QuantizeInput(ModuleCall call, IReadOnlyDictionary<string, HostTensor> state, Tensor images)
    {
        var (d0, bits0) = ActivationQuantizer(state, call.Path) ?? throw new InvalidOperationException(
            "the checkpoint has no input quantizer: verify-int needs a network trained with --mode quantize or quantize+prune");
        if (call.InputFrom != null)
            throw new InvalidOperationException($"verify-int replays from the network's input: '{call.Path}' quantizes the float output of '{call.InputFrom.Path}'");
        // NOTE: the quantizer multiplies by 2^d in float32 (exact) and truncates toward zero, as the cast does.
        var x = new Activation(images.ToArray<float>().Select(v => FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(v, d0)), bits0)).ToArray(),
            (int[])images.Shape.Clone(), d0);
        return (new LayerCheck(call.Path, x.Data.Length, null, MaxDiff(x.Data, x.Decimal, call.Output!.AsFloats()), []), x);
    }

    /// <summary>One layer: accumulation, bias, requantization, masks; returns the integer output (null when the chain stops: no output quantizer).</summary>
    static (LayerCheck Check, Activation? Output) ReplayLayer(ModuleCall call, ModuleCall? bn, ModelTrace trace, Activation x,
        IReadOnlyDictionary<string, HostTensor> state)
    {
        string name = call.Path;
        var notes = new List<string>();
        var weight = state[$"{name}.weight"];
        var weightQuantizer = call.WeightOperators.OfType<QuantizeLayer>().SingleOrDefault()
                              ?? throw new InvalidOperationException($"{name}'s weight is not quantized");
        var (dw, wbits) = Quantizer(state, trace.PathOf(weightQuantizer)) ?? throw new InvalidOperationException($"{name}'s weight is not quantized");
        var wmask = Mask(call.WeightOperators, trace, state);
        var geometry = Geometry.Of(call.Module, weight.Shape, x.Shape, call.OutputShape);
        int maxDw = dw.Max(), accDecimal = x.Decimal + maxDw;
        var w = weight.AsFloats();
        var wi = new long[w.Length];
        int cw = weightQuantizer.Channelwise, cwStride = weight.Shape.Skip(cw + 1).Aggregate(1, (a, b) => a * b);
        for (int i = 0; i < w.Length; i++)
        {
            int d = dw.Length == 1 ? dw[0] : dw[i / cwStride % weight.Shape[cw]];
            // NOTE: Q(P(w)): masked first, then 2^d in float32 (exact), truncated toward zero, clamped; then aligned to max d_w.
            long q = wmask == null || wmask[i] ? FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(w[i], d)), wbits) : 0;
            wi[i] = q << (maxDw - d);
        }
        var (bi, db) = Bias(call, trace, state, geometry.OutChannels, accDecimal);

        var (acc, worst) = geometry.Accumulate(x.Data, wi);
        notes.Add(worst <= int.MaxValue ? $"int32 accumulator: max Σ|x·w| = {worst}" : $"int32 accumulator OVERFLOWS: max Σ|x·w| = {worst}");
        // NOTE: float32 sums of these products are exact in any order while every partial sum stays below 2^24 units of 2^-(d_in + max d_w).
        if (worst >= 1 << 24)
            notes.Add($"float32 accumulation not guaranteed exact: Σ|x·w| = 2^{Math.Log2(worst):0.0} units > 2^24");

        // Bias and accumulator meet at the finer decimal F; the float pipeline rounds that sum to float32 (RoundToFloat).
        int plane = geometry.Plane, cout = geometry.OutChannels;
        var sums = new long[acc.Length];
        var decimals = new int[acc.Length];
        var layerOut = call.Output!.AsFloats();
        double accDiff = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            int o = i / plane % cout, dbo = db[db.Length == 1 ? 0 : o], f = Math.Max(accDecimal, dbo);
            sums[i] = (acc[i] << (f - accDecimal)) + (bi[o] << (f - dbo));
            decimals[i] = f;
            accDiff = Math.Max(accDiff, Math.Abs(Math.ScaleB((double)FixedPoint.RoundToFloat(sums[i]), -f) - layerOut[i]));
        }
        var after = (bn ?? call).OutputOperators;
        var outputQuantizer = after.OfType<QuantizeLayer>().ToList() switch
        {
            [] => null,
            [var q] => q,
            var many => throw new InvalidOperationException($"verify-int replays one output quantizer per layer; '{name}' has {many.Count}"),
        };
        if (outputQuantizer == null)
            return (new LayerCheck(name, acc.Length, accDiff, null, notes), null);
        var qpath = trace.PathOf(outputQuantizer);
        var (dq, qbits) = ActivationQuantizer(state, qpath) ?? throw new InvalidOperationException($"{qpath} is missing");
        var quantizedFloat = trace.Calls.First(c => c.Index > call.Index && ReferenceEquals(c.Module, outputQuantizer)).Output!.AsFloats();
        if (bn != null)
        {
            notes.Add($"output not checked: {bn.Path} (BatchNorm) sits between {name} and {qpath}; train with --fuse-bn");
            return (new LayerCheck(name, acc.Length, accDiff, null, notes),
                new Activation(quantizedFloat.Select(v => FixedPoint.ToInt(v, dq)).ToArray(), call.OutputShape, dq));
        }
        var amask = Mask(after, trace, state);
        var output = new long[acc.Length];
        int roundingChanged = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            bool keep = amask == null || amask[i % amask.Length];
            int shift = decimals[i] - dq;
            output[i] = keep ? FixedPoint.Clamp(FixedPoint.TruncShift(FixedPoint.RoundToFloat(sums[i]), shift), qbits) : 0;
            if (keep && output[i] != FixedPoint.Clamp(FixedPoint.TruncShift(sums[i], shift), qbits))
                roundingChanged++;
        }
        if (roundingChanged > 0)
            notes.Add($"{roundingChanged} outputs differ from exact integer arithmetic because float32 rounds the bias addition (replayed here)");
        return (new LayerCheck(name, acc.Length, accDiff, MaxDiff(output, dq, quantizedFloat), notes), new Activation(output, call.OutputShape, dq));
    }

    /// <summary>The bias in integers and its decimals (zero at the accumulator's decimal when the layer has none).</summary>
    static (long[] Values, int[] Decimals) Bias(ModuleCall call, ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state, int channels, int accDecimal)
    {
        if (!state.TryGetValue($"{call.Path}.bias", out var bias))
            return (new long[channels], [accDecimal]);
        var quantizer = call.BiasOperators.OfType<QuantizeLayer>().SingleOrDefault();
        var (db, bbits) = (quantizer == null ? null : Quantizer(state, trace.PathOf(quantizer)))
                          ?? throw new InvalidOperationException($"{call.Path}'s bias is not quantized");
        var values = bias.AsFloats().Select((v, o) => FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(v, db[db.Length == 1 ? 0 : o])), bbits)).ToArray();
        return (values, db);
    }

    /// <summary>The product of the masks of the pruners among <paramref name="operators"/>, or null when there are none.</summary>
    static bool[]? Mask(IEnumerable<QSparseLayer> operators, ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state)
    {
        bool[]? mask = null;
        foreach (var pruner in operators.OfType<PruneLayer>())
        {
            var m = state[$"{trace.PathOf(pruner)}.mask"].AsBools();
            mask = mask == null ? m : mask.Length == m.Length
                ? mask.Zip(m, (a, b) => a && b).ToArray()
                : throw new InvalidOperationException($"verify-int cannot combine masks of {mask.Length} and {m.Length} entries ({trace.PathOf(pruner)})");
        }
        return mask;
    }

    /// <summary>A quantizer's decimals (as integers) and bits; null when the state has none; an error when it has not quantized yet.</summary>
    static (int[] Decimals, int Bits)? Quantizer(IReadOnlyDictionary<string, HostTensor> state, string path)
    {
        if (!state.TryGetValue($"{path}.decimal", out var decimals) || decimals.DType != DType.Float32)
            return null;
        if (!state[$"{path}._quantized"].AsBools()[0])
            throw new InvalidOperationException($"{path} has not quantized yet (the checkpoint stops before its timeout): nothing to replay in integers");
        return (decimals.AsFloats().Select(d => (int)d).ToArray(), state[$"{path}.bits"].AsInts()[0]);
    }

    /// <summary>An activation quantizer's single decimal and bits (the replay keeps one decimal per activation).</summary>
    static (int Decimal, int Bits)? ActivationQuantizer(IReadOnlyDictionary<string, HostTensor> state, string path) =>
        Quantizer(state, path) switch
        {
            null => null,
            ({ Length: 1 } d, var bits) => (d[0], bits),
            var (d, _) => throw new InvalidOperationException($"verify-int needs one decimal per activation quantizer; {path} has {d.Length} (channelwise = -1)"),
        };

    static double MaxDiff(long[] ints, int decimals, float[] reference)
    {
        double max = 0;
        for (int i = 0; i < ints.Length; i++)
            max = Math.Max(max, Math.Abs(Math.ScaleB((double)ints[i], -decimals) - reference[i]));
        return max;
    }

    /// <summary>Max-pooling on integers as MaxPool2d does it (padding never wins); output shape from the trace.</summary>
    static Activation MaxPool(Activation a, MaxPool2d pool, int[] outputShape)
    {
        if (pool.CeilMode)
            throw new InvalidOperationException("verify-int does not replay MaxPool2d with ceil_mode=True");
        int planes = a.Shape[0] * a.Shape[1], h = a.Shape[2], w = a.Shape[3], ho = outputShape[2], wo = outputShape[3];
        Size2 k = pool.KernelSize, s = pool.Stride, p = pool.Padding, d = pool.Dilation;
        var data = new long[planes * ho * wo];
        for (int plane = 0; plane < planes; plane++)
            for (int y = 0; y < ho; y++)
                for (int x = 0; x < wo; x++)
                {
                    long max = long.MinValue;
                    for (int ky = 0; ky < k.H; ky++)
                        for (int kx = 0; kx < k.W; kx++)
                        {
                            int iy = y * s.H - p.H + ky * d.H, ix = x * s.W - p.W + kx * d.W;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                max = Math.Max(max, a.Data[(plane * h + iy) * w + ix]);
                        }
                    data[(plane * ho + y) * wo + x] = max;
                }
        return new Activation(data, outputShape, a.Decimal);
    }
}
