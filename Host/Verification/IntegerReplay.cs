using QSparse.Host.Training;

namespace QSparse.Host.Verification;

/// <summary>
/// Replays the seed network (SPEC.md §9, §11) in integer arithmetic on the host, from the state dict, and
/// compares it layer by layer with the float pipeline in evaluation mode. int8 activations and weights
/// (truncated, clamped, masked as the quantizers do); products aligned to the accumulator's decimal
/// d_in + max d_w (weights are channel-wise along the input channel, so products shift left by
/// max d_w − d_w[c]); bias (bias_bits at its own decimals) and accumulator aligned by shifting to the
/// finer of the two; requantization by a shift of (accumulator decimal − d_out) truncated toward zero;
/// clamps, activation-pruner masks, ReLU and max-pool on integers. With BatchNorm left in, only each
/// layer's accumulation is checked, and the next layer starts from the float pipeline's quantized output.
/// </summary>
public static class IntegerReplay
{
    sealed record Activation(long[] Data, int[] Shape, int Decimal);

    sealed record Layer(string Name, string Pruner, string Quantizer, string Bn);

    static readonly Layer[] Layers =
    [
        new("conv1", "p1", "q1", "bn1"), new("conv2", "p2", "q2", "bn2"), new("fc1", "p3", "q3", "bn3"), new("fc2", "", "", ""),
    ];

    /// <summary>
    /// Runs <paramref name="net"/> (whose state is <paramref name="state"/>) on <paramref name="images"/>
    /// [N, 1, 28, 28] in evaluation mode and replays it in integers; one <see cref="LayerCheck"/> per layer:
    /// qin, conv1, conv2, fc1, fc2.
    /// </summary>
    public static List<LayerCheck> Run(QsparseMnistNet net, IReadOnlyDictionary<string, HostTensor> state, Tensor images)
    {
        var taps = Capture(net, images);
        var (d0, bits0) = Quantizer(state, "qin") ?? throw new InvalidOperationException(
            "the checkpoint has no input quantizer: verify-int needs a network trained with --mode quantize or quantize+prune");
        var input = images.ToArray<float>();
        // NOTE: the quantizer multiplies by 2^d in float32 (exact) and truncates toward zero, as the cast does.
        var x = new Activation(input.Select(v => FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(v, d0[0])), bits0)).ToArray(),
            (int[])images.Shape.Clone(), d0[0]);
        var checks = new List<LayerCheck> { new("qin", x.Data.Length, null, MaxDiff(x.Data, x.Decimal, taps["qin"]), []) };
        foreach (var layer in Layers)
        {
            var (check, output) = Replay(layer, x, state, taps, net.BatchNormFolded);
            checks.Add(check);
            if (output == null)
                break;
            x = layer.Name == "conv2" ? MaxPool2(Relu(output)) : Relu(output);
            if (layer.Name == "conv2")
                x = x with { Shape = [x.Shape[0], x.Data.Length / x.Shape[0]] };
        }
        return checks;
    }

    static Dictionary<string, float[]> Capture(QsparseMnistNet net, Tensor images)
    {
        var taps = new Dictionary<string, float[]>();
        net.Probe = (name, t) => taps[name] = t.ToArray<float>();
        net.Eval();
        try
        {
            using var scope = new TensorScope();
            using var noGrad = Autograd.NoGrad();
            net.Forward(images);
        }
        finally
        {
            net.Probe = null;
        }
        return taps;
    }

    /// <summary>One layer: accumulation, bias, requantization, mask; returns the integer output (null when the chain stops).</summary>
    static (LayerCheck Check, Activation? Output) Replay(Layer layer, Activation x, IReadOnlyDictionary<string, HostTensor> state,
        Dictionary<string, float[]> taps, bool folded)
    {
        string name = layer.Name;
        var notes = new List<string>();
        var weight = state[$"{name}.weight"];
        var (dw, wbits) = Quantizer(state, $"{name}.quantize") ?? throw new InvalidOperationException($"{name}'s weight is not quantized");
        var (db, bbits) = Quantizer(state, $"{name}.quantize_bias") ?? throw new InvalidOperationException($"{name}'s bias is not quantized");
        var wmask = state.TryGetValue($"{name}.prune.mask", out var m) ? m.AsBools() : null;
        // Conv [out, in, k, k] on [N, in, H, W]; Linear [out, in] on [N, in] is the 1×1 case.
        int cout = weight.Shape[0], cin = weight.Shape[1], k = weight.Rank() == 4 ? weight.Shape[2] : 1;
        int n = x.Shape[0], h = x.Rank() == 4 ? x.Shape[2] : 1, ho = h - k + 1, plane = ho * ho, kk = k * k;
        int maxDw = dw.Max(), accDecimal = x.Decimal + maxDw;
        var w = weight.AsFloats();
        var wi = new long[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            int c = i / kk % cin, d = dw.Length == 1 ? dw[0] : dw[c];
            // NOTE: Q(P(w)): masked first, then 2^d in float32 (exact), truncated toward zero, clamped; then aligned to max d_w.
            long q = wmask == null || wmask[i] ? FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(w[i], d)), wbits) : 0;
            wi[i] = q << (maxDw - d);
        }
        var b = state[$"{name}.bias"].AsFloats();
        var bi = b.Select((v, o) => FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(v, db[db.Length == 1 ? 0 : o])), bbits)).ToArray();

        var acc = new long[n * cout * plane];
        var bound = new long[n * cout];
        Parallel.For(0, n * cout, no =>
        {
            int s = no / cout, o = no % cout;
            for (int y = 0; y < ho; y++)
                for (int xx = 0; xx < ho; xx++)
                {
                    long sum = 0, abs = 0;
                    for (int c = 0; c < cin; c++)
                    {
                        int xBase = (s * cin + c) * h * h, wBase = (o * cin + c) * kk;
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++)
                            {
                                long p = x.Data[xBase + (y + ky) * h + xx + kx] * wi[wBase + ky * k + kx];
                                sum += p;
                                abs += Math.Abs(p);
                            }
                    }
                    acc[no * plane + y * ho + xx] = sum;
                    bound[no] = Math.Max(bound[no], abs);
                }
        });
        long worst = bound.Max();
        notes.Add(worst <= int.MaxValue ? $"int32 accumulator: max Σ|x·w| = {worst}" : $"int32 accumulator OVERFLOWS: max Σ|x·w| = {worst}");
        // NOTE: float32 sums of these products are exact in any order while every partial sum stays below 2^24 units of 2^-(d_in + max d_w).
        if (worst >= 1 << 24)
            notes.Add($"float32 accumulation not guaranteed exact: Σ|x·w| = 2^{Math.Log2(worst):0.0} units > 2^24");

        // Bias and accumulator meet at the finer decimal F; the float pipeline rounds that sum to float32 (RoundToFloat).
        var sums = new long[acc.Length];
        var decimals = new int[acc.Length];
        var layerOut = taps[name];
        double accDiff = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            int o = i / plane % cout, dbo = db[db.Length == 1 ? 0 : o], f = Math.Max(accDecimal, dbo);
            sums[i] = (acc[i] << (f - accDecimal)) + (bi[o] << (f - dbo));
            decimals[i] = f;
            accDiff = Math.Max(accDiff, Math.Abs(Math.ScaleB((double)FixedPoint.RoundToFloat(sums[i]), -f) - layerOut[i]));
        }
        int[] shape = x.Rank() == 4 ? [n, cout, ho, ho] : [n, cout];
        if (layer.Quantizer.Length == 0)
            return (new LayerCheck(name, acc.Length, accDiff, null, notes), null);
        var (dq, qbits) = Quantizer(state, layer.Quantizer) ?? throw new InvalidOperationException($"{layer.Quantizer} is missing");
        if (!folded)
        {
            notes.Add($"output not checked: {layer.Bn} (BatchNorm) sits between {name} and {layer.Quantizer}; train with --fuse-bn");
            var quantized = taps[layer.Quantizer];
            return (new LayerCheck(name, acc.Length, accDiff, null, notes),
                new Activation(quantized.Select(v => FixedPoint.ToInt(v, dq[0])).ToArray(), shape, dq[0]));
        }
        var amask = state.TryGetValue($"{layer.Pruner}.mask", out var am) ? am.AsBools() : null;
        var output = new long[acc.Length];
        int roundingChanged = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            bool keep = amask == null || amask[i % amask.Length];
            int shift = decimals[i] - dq[0];
            output[i] = keep ? FixedPoint.Clamp(FixedPoint.TruncShift(FixedPoint.RoundToFloat(sums[i]), shift), qbits) : 0;
            if (keep && output[i] != FixedPoint.Clamp(FixedPoint.TruncShift(sums[i], shift), qbits))
                roundingChanged++;
        }
        if (roundingChanged > 0)
            notes.Add($"{roundingChanged} outputs differ from exact integer arithmetic because float32 rounds the bias addition (replayed here)");
        var result = new Activation(output, shape, dq[0]);
        return (new LayerCheck(name, acc.Length, accDiff, MaxDiff(output, dq[0], taps[layer.Quantizer]), notes), result);
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

    static double MaxDiff(long[] ints, int decimals, float[] reference)
    {
        double max = 0;
        for (int i = 0; i < ints.Length; i++)
            max = Math.Max(max, Math.Abs(Math.ScaleB((double)ints[i], -decimals) - reference[i]));
        return max;
    }

    static Activation Relu(Activation a) => a with { Data = a.Data.Select(v => Math.Max(v, 0)).ToArray() };

    static Activation MaxPool2(Activation a)
    {
        int n = a.Shape[0], c = a.Shape[1], h = a.Shape[2], ho = h / 2;
        var data = new long[n * c * ho * ho];
        for (int p = 0; p < n * c; p++)
            for (int y = 0; y < ho; y++)
                for (int x = 0; x < ho; x++)
                {
                    int i = p * h * h + 2 * y * h + 2 * x;
                    data[(p * ho + y) * ho + x] = Math.Max(Math.Max(a.Data[i], a.Data[i + 1]), Math.Max(a.Data[i + h], a.Data[i + h + 1]));
                }
        return new Activation(data, [n, c, ho, ho], a.Decimal);
    }

    static int Rank(this HostTensor t) => t.Shape.Length;

    static int Rank(this Activation a) => a.Shape.Length;
}
