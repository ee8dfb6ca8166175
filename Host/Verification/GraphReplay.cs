namespace QSparse.Host.Verification;

/// <summary>
/// <see cref="IntegerReplay"/>'s walk over a trace's data-flow graph: one value per step (integers with a
/// decimal, or why there are none), in the order the steps ran, and the checks of the input quantizer, the
/// layers and the quantizers no layer owns.
/// </summary>
sealed class GraphReplay(ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state)
{
    readonly Dictionary<TraceStep, ReplayValue> values = new(ReferenceEqualityComparer.Instance);
    readonly List<LayerCheck> checks = [];
    readonly Dictionary<ModuleCall, int> rowOf = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<ModuleCall, ModuleCall> ownerOf = Owners(trace);

    /// <summary>Replays every step; the model's output must be integers or the float head after a layer's accumulation.</summary>
    public List<LayerCheck> Run()
    {
        foreach (var step in trace.Steps)
            values[step] = step is ModuleCall call ? Call(call, In(call.Source)) : Op((FunctionalOp)step, step.Inputs.Select(In).ToList());
        if (trace.OutputFrom != null && In(trace.OutputFrom) is FloatValue { Kind: FloatKind.Error } failed)
            throw new InvalidOperationException(failed.Why);
        return checks;
    }

    ReplayValue In(TraceStep? source) => source switch
    {
        null => new FloatValue(FloatKind.Error, "a tensor the trace did not see made",
            "verify-int cannot replay a tensor the trace did not see made (a new tensor, or one made by Clone, To or Detach)"),
        ModelInput => new FloatValue(FloatKind.Input, "the model's float input (not quantized)",
            "verify-int needs a network whose input is quantized (--mode quantize or quantize+prune)", source),
        _ => values[source],
    };

    ReplayValue Call(ModuleCall call, ReplayValue x)
    {
        switch (call.Module)
        {
            case QuantizeLayer:
                return Quantize(call, x);
            case PruneLayer:
                return Pointwise(x, v => Prune(call, v));
            case Conv2d or Linear or ConvTranspose2d:
                var input = Need(x, call);
                var (check, output) = LayerReplay.Run(call, trace, input, state);
                Row(call, check with { Notes = [.. input.Notes, .. check.Notes] });
                return output;
            case BatchNorm when x is IntegerValue:
                return new FloatValue(FloatKind.BatchNorm, $"the float output of {call.Describe()} (not folded into the layer before it: FuseBn, --fuse-bn)",
                    $"verify-int cannot replay {call.Describe()} in integers: it is not folded into the layer before it (FuseBn, --fuse-bn)", call);
            case ReLU:
                return Pointwise(x, v => v.Map(d => d.Select(t => Math.Max(t, 0)).ToArray()));
            case ReLU6:
                return Clamp(call, x, 0, 6);
            case Hardtanh h:
                return Clamp(call, x, h.MinVal, h.MaxVal);
            case LeakyReLU l:
                return LeakyRelu(call, x, l.NegativeSlope);
            case MaxPool2d { CeilMode: true }:
                return Unreplayable(call, [x], "ceil_mode=True is not replayed");
            case MaxPool2d pool:
                return Pointwise(x, v => v.Map(d => IntegerOps.MaxPool(d, v.Shape, pool, call.OutputShape), call.OutputShape));
            case AvgPool2d pool:
                return AvgPool(call, x, pool);
            case AdaptiveAvgPool2d:
                return AdaptiveAvgPool(call, x);
            case Flatten:
                return Pointwise(x, v => v with { Shape = call.OutputShape });
            case PixelShuffle shuffle:
                return Pointwise(x, v => v.Map(d => IntegerOps.PixelShuffle(d, v.Shape, shuffle.UpscaleFactor), call.OutputShape));
            case PixelUnshuffle unshuffle:
                return Pointwise(x, v => v.Map(d => IntegerOps.PixelUnshuffle(d, v.Shape, unshuffle.DownscaleFactor), call.OutputShape));
            // NOTE: a Sequential is a step only when it has no children (ResNet's identity shortcut): it returns its input.
            case DropoutModule or Identity or BatchNorm or Sequential:
                return x;
            case Tanh or Sigmoid:
                return Unreplayable(call, [x], $"the {call.Module.TypeName.ToLowerInvariant()} of a fixed-point value is not one");
            default:
                return Unreplayable(call, [x], null);
        }
    }

    ReplayValue Op(FunctionalOp op, List<ReplayValue> inputs) => op.Name switch
    {
        "Add" or "Sub" when inputs.Count == 2 => Add(op, Need(inputs[0], op, "operand 1"), Need(inputs[1], op, "operand 2"), op.Name == "Sub"),
        "Cat" => Cat(op, inputs.Select((x, k) => Need(x, op, $"operand {k + 1}")).ToList()),
        "Reshape" => Pointwise(inputs[0], v => v with { Shape = op.OutputShape }),
        "Permute" => Pointwise(inputs[0], v => v.Map(d => IntegerOps.Permute(d, v.Shape, op.Arguments), op.OutputShape)),
        "Relu" => Pointwise(inputs[0], v => v.Map(d => d.Select(t => Math.Max(t, 0)).ToArray())),
        _ => Unreplayable(op, inputs, null),
    };

    static ReplayValue Pointwise(ReplayValue x, Func<IntegerValue, ReplayValue> f) => x is IntegerValue v ? f(v) : x;

    /// <summary>The integers of <paramref name="x"/>, or the error of a step that needs them (<paramref name="operand"/>: which input).</summary>
    static IntegerValue Need(ReplayValue x, TraceStep consumer, string operand = "its input") => x switch
    {
        IntegerValue v => v,
        FloatValue { Kind: FloatKind.Input } when consumer is ModuleCall c =>
            throw new InvalidOperationException($"'{c.Path}' has no integer input: verify-int needs a network whose input is quantized (--mode quantize or quantize+prune)"),
        FloatValue { Kind: FloatKind.Error or FloatKind.Head, Origin: not null } f =>
            throw new InvalidOperationException($"{f.Why}; {consumer.Describe()} needs {(operand == "its input" ? "its output" : $"it as {operand}")} in integers"),
        FloatValue f => throw new InvalidOperationException($"verify-int cannot replay {consumer.Describe()} in integers: {operand} is {f.What}"),
        _ => throw new InvalidOperationException($"verify-int has no value for {consumer.Describe()}"),
    };

    /// <summary>
    /// An op with no integer form: its output is float. On a layer's unquantized output (or the float head) that is
    /// the float head, allowed as the model's output; elsewhere an error as soon as anything needs it.
    /// </summary>
    static FloatValue Unreplayable(TraceStep step, IReadOnlyList<ReplayValue> inputs, string? why)
    {
        if (inputs.OfType<FloatValue>().FirstOrDefault(f => f is { Kind: FloatKind.Error, Origin: not null }) is { } earlier)
            return earlier;
        bool head = inputs.All(v => v is IntegerValue { Quantized: false } or FloatValue { Kind: FloatKind.Head or FloatKind.BatchNorm });
        return new FloatValue(head ? FloatKind.Head : FloatKind.Error, $"the output of {step.Describe()}, which has no integer form",
            $"verify-int cannot replay {step.Describe()} in integers{(why == null ? "" : $": {why}")}", step);
    }

    /// <summary>An activation quantizer: requantizes integers by a truncating shift, or brings the model's input (or an unfolded BatchNorm's output) into integers.</summary>
    ReplayValue Quantize(ModuleCall call, ReplayValue x)
    {
        string path = call.Path;
        var reference = call.Output!.AsFloats();
        switch (x)
        {
            case FloatValue { Kind: FloatKind.Input }:
            {
                var (d0, bits0) = QuantizerState.ActivationQuantizer(state, path) ?? throw new InvalidOperationException(
                    "the checkpoint has no input quantizer: verify-int needs a network trained with --mode quantize or quantize+prune");
                // NOTE: the quantizer multiplies by 2^d in float32 (exact) and truncates toward zero, as the cast does.
                // What it reads: the model's input, or what reshapes (a Flatten) or pruners made of it.
                var data = call.Source!.Output!.AsFloats().Select(v => FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(v, d0)), bits0)).ToArray();
                Row(call, new LayerCheck(path, data.Length, null, MaxDiff(data, d0, reference), []));
                return new IntegerValue(data, call.OutputShape, d0, Quantized: true);
            }
            case FloatValue { Kind: FloatKind.BatchNorm, Origin: ModuleCall bn }:
            {
                var (dq, _) = QuantizerState.ActivationQuantizer(state, path) ?? throw new InvalidOperationException($"{path} is missing");
                string note = $"output not checked: {bn.Path} (BatchNorm) sits between {bn.InputFrom?.Path ?? "its input"} and {path}; train with --fuse-bn";
                if (bn.InputFrom is { } layer && rowOf.TryGetValue(layer, out int row))
                    checks[row] = checks[row] with { Notes = [.. checks[row].Notes, note] };
                else
                    Row(call, new LayerCheck(path, reference.Length, null, null, [note]));
                return new IntegerValue(reference.Select(v => FixedPoint.ToInt(v, dq)).ToArray(), call.OutputShape, dq, Quantized: true);
            }
            default:
            {
                var v = Need(x, call);
                var (dq, bits) = QuantizerState.ActivationQuantizer(state, path) ?? throw new InvalidOperationException($"{path} is missing");
                long Requantize(long t) => FixedPoint.Clamp(FixedPoint.TruncShift(t, v.Decimal - dq), bits);
                var data = v.Data.Select(Requantize).ToArray();
                var notes = v.Notes.ToList();
                int changed = v.Exact == null ? 0 : v.Exact.Where((t, i) => Requantize(t) != data[i]).Count();
                if (changed > 0)
                    notes.Add($"{changed} outputs differ from exact integer arithmetic because float32 rounds {v.Rounding} (replayed here)");
                double diff = MaxDiff(data, dq, reference);
                if (ownerOf.GetValueOrDefault(call) is { } owner && rowOf.TryGetValue(owner, out int row) && checks[row].OutputDiff == null)
                    checks[row] = checks[row] with { OutputDiff = diff, Notes = [.. checks[row].Notes, .. notes] };
                else
                    Row(call, new LayerCheck(path, data.Length, null, diff, notes));
                return new IntegerValue(data, call.OutputShape, dq, Quantized: true);
            }
        }
    }

    /// <summary>An activation pruner: zero where its mask (broadcast over the batch) is off.</summary>
    IntegerValue Prune(ModuleCall call, IntegerValue v)
    {
        var mask = state[$"{call.Path}.mask"].AsBools();
        if (v.Data.Length % mask.Length != 0)
            throw new InvalidOperationException($"verify-int cannot apply the mask of {call.Path} ({mask.Length} entries) to {v.Data.Length} values");
        return v.Map(d => d.Select((t, i) => mask[i % mask.Length] ? t : 0).ToArray());
    }

    /// <summary>
    /// a ± b: both aligned to the finer decimal by exact left shifts, summed, and rounded where float32 rounds the
    /// sum (more than 24 significant bits); the output decimal is that finer one (a quantizer after it requantizes).
    /// </summary>
    static IntegerValue Add(FunctionalOp op, IntegerValue a, IntegerValue b, bool subtract)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new InvalidOperationException($"verify-int cannot replay {op.Describe()} in integers: its operands' shapes {Format(a.Shape)} and {Format(b.Shape)} differ (broadcasting is not replayed)");
        int f = Math.Max(a.Decimal, b.Decimal), sign = subtract ? -1 : 1;
        var notes = a.Notes.Concat(b.Notes).ToList();
        if (a.Decimal != b.Decimal)
            notes.Add($"{op.Describe()}: operands at decimals {a.Decimal} and {b.Decimal} aligned to {f} by shifting left");
        (a, b) = (Align(op, a, f, 1), Align(op, b, f, 2));
        long[] ea = a.Exact ?? a.Data, eb = b.Exact ?? b.Data;
        var exact = ea.Select((t, i) => t + sign * eb[i]).ToArray();
        var data = a.Data.Select((t, i) => FixedPoint.RoundToFloat(t + sign * b.Data[i])).ToArray();
        bool rounds = a.Data.Where((t, i) => t + sign * b.Data[i] != data[i]).Any();
        var rounding = string.Join(" and ", new[] { a.Rounding, b.Rounding, rounds ? op.Describe() : null }.OfType<string>().Distinct());
        bool same = exact.AsSpan().SequenceEqual(data);
        return new IntegerValue(data, a.Shape, f, Quantized: false, same ? null : exact, rounding.Length == 0 ? null : rounding) { Notes = notes };
    }

    /// <summary>Operands joined along the op's dimension, aligned to the finest decimal by exact left shifts.</summary>
    static IntegerValue Cat(FunctionalOp op, List<IntegerValue> operands)
    {
        int dim = op.Arguments[0], f = operands.Max(v => v.Decimal);
        var notes = operands.SelectMany(v => v.Notes).ToList();
        if (operands.Any(v => v.Decimal != f))
            notes.Add($"{op.Describe()}: operand decimals {string.Join(", ", operands.Select(v => v.Decimal))} aligned to {f} by shifting left");
        var aligned = operands.Select((v, k) => Align(op, v, f, k + 1)).ToList();
        var data = IntegerOps.Cat(aligned.Select(v => (v.Data, v.Shape)).ToList(), dim);
        var exact = aligned.Any(v => v.Exact != null) ? IntegerOps.Cat(aligned.Select(v => (v.Exact ?? v.Data, v.Shape)).ToList(), dim) : null;
        var rounding = string.Join(" and ", aligned.Select(v => v.Rounding).OfType<string>().Distinct());
        return new IntegerValue(data, op.OutputShape, f, aligned.All(v => v.Quantized), exact, rounding.Length == 0 ? null : rounding) { Notes = notes };
    }

    /// <summary><paramref name="v"/> at <paramref name="finer"/> decimals, or an error when the shift would overflow 64 bits.</summary>
    static IntegerValue Align(FunctionalOp op, IntegerValue v, int finer, int operand)
    {
        int shift = finer - v.Decimal;
        long limit = long.MaxValue >> (shift + 1);
        if (shift > 0 && (v.Exact ?? v.Data).Concat(v.Data).Any(t => Math.Abs(t) > limit))
            throw new InvalidOperationException($"verify-int cannot replay {op.Describe()} in integers: aligning operand {operand} from decimal {v.Decimal} to {finer} overflows 64 bits");
        return v.AlignTo(finer);
    }

    /// <summary>Clamps into [lo, hi] (ReLU6, Hardtanh) when both bounds are integers at the input's decimal.</summary>
    static ReplayValue Clamp(ModuleCall call, ReplayValue x, double lo, double hi) => Pointwise(x, v =>
    {
        double l = Math.ScaleB((float)lo, v.Decimal), h = Math.ScaleB((float)hi, v.Decimal);
        return l == Math.Floor(l) && h == Math.Floor(h)
            ? v.Map(d => d.Select(t => Math.Clamp(t, (long)l, (long)h)).ToArray())
            : Unreplayable(call, [x], $"its bounds {lo} and {hi} are not multiples of 2^-{v.Decimal}, the input's resolution");
    });

    /// <summary>LeakyReLU with a slope 2^-k: negatives keep their integers, the positives shift left by k, the decimal grows by k.</summary>
    static ReplayValue LeakyRelu(ModuleCall call, ReplayValue x, double slope)
    {
        double k = -Math.Log2(slope);
        if (!(slope > 0 && slope <= 1 && k == Math.Floor(k) && (float)slope == slope))
            return Unreplayable(call, [x], $"its negative slope {slope} is not a power of two, so x·{slope} is not a fixed-point value");
        return Pointwise(x, v => v.Map(d => d.Select(t => t >= 0 ? t << (int)k : t).ToArray(), decimals: v.Decimal + (int)k));
    }

    /// <summary>AvgPool2d without padding or ceil_mode whose divisor is 2^m: the window sums at m more decimals (float divides by 2^m exactly).</summary>
    static ReplayValue AvgPool(ModuleCall call, ReplayValue x, AvgPool2d pool)
    {
        int divisor = pool.DivisorOverride ?? pool.KernelSize.H * pool.KernelSize.W;
        if (pool.Padding.H != 0 || pool.Padding.W != 0 || pool.CeilMode)
            return Unreplayable(call, [x], "padding and ceil_mode are not replayed (the windows' divisors would differ)");
        if (!int.IsPow2(divisor))
            return Unreplayable(call, [x], $"its windows are divided by {divisor}, not a power of two: the average is not a fixed-point value");
        return Pointwise(x, v => v.Map(d => IntegerOps.WindowSums(d, v.Shape, pool.KernelSize, pool.Stride, call.OutputShape),
            call.OutputShape, v.Decimal + int.Log2(divisor)));
    }

    /// <summary>AdaptiveAvgPool2d whose windows all hold the same 2^m values (sizes that divide evenly): the window sums at m more decimals.</summary>
    static ReplayValue AdaptiveAvgPool(ModuleCall call, ReplayValue x)
    {
        int h = call.InputShape[^2], w = call.InputShape[^1], oh = call.OutputShape[^2], ow = call.OutputShape[^1];
        if (h % oh != 0 || w % ow != 0)
            return Unreplayable(call, [x], $"its windows over {h}×{w} → {oh}×{ow} differ in size");
        int kh = h / oh, kw = w / ow;
        if (!int.IsPow2(kh * kw))
            return Unreplayable(call, [x], $"its windows hold {kh}×{kw} = {kh * kw} values, not a power of two: the average is not a fixed-point value");
        return Pointwise(x, v => v.Map(d => IntegerOps.WindowSums(d, v.Shape, (kh, kw), (kh, kw), call.OutputShape),
            call.OutputShape, v.Decimal + int.Log2(kh * kw)));
    }

    void Row(ModuleCall call, LayerCheck check)
    {
        rowOf[call] = checks.Count;
        checks.Add(check);
    }

    /// <summary>Each output quantizer's call and the layer whose output it quantizes (<see cref="ModuleCall.OutputOperators"/>), the first such layer.</summary>
    static Dictionary<ModuleCall, ModuleCall> Owners(ModelTrace trace)
    {
        var owners = new Dictionary<ModuleCall, ModuleCall>(ReferenceEqualityComparer.Instance);
        foreach (var layer in trace.Layers)
            foreach (var op in layer.OutputOperators)
                if (trace.Calls.FirstOrDefault(c => c.Index > layer.Index && ReferenceEquals(c.Module, op)) is { } call)
                    owners.TryAdd(call, layer);
        return owners;
    }

    static double MaxDiff(long[] ints, int decimals, float[] reference)
    {
        double max = 0;
        for (int i = 0; i < ints.Length; i++)
            max = Math.Max(max, Math.Abs(Math.ScaleB((double)ints[i], -decimals) - reference[i]));
        return max;
    }

    static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";
}
