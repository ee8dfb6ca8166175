using Onnx;
using QSparse.Host.Verification;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// Writes a quantized network (SPEC.md §9) as an integer-only ONNX graph (opset 17) that computes exactly what the
/// float pipeline computes, as integers t standing for t·2^-d. What runs is read from a <see cref="ModelTrace"/> of
/// one forward, the values from the state dict, the arithmetic is the integer replay's (<see cref="IntegerReplay"/>):
/// <list type="bullet">
/// <item>the graph input is the input quantizer's output: int8 (its bits at most 8) at its decimal, recorded in the
/// metadata (<see cref="OnnxIntModel.QuantizeInput"/> makes it from float images as the quantizer does);</item>
/// <item>Conv2d and Linear: ConvInteger / MatMulInteger of int8 activations and int8 weights (masked, truncated,
/// clamped) into int32; channel-wise weight decimals and the bias aligned by exact multiplications by powers of
/// two to the finest decimal of the layer, as the replay aligns them;</item>
/// <item>activation quantizers: Div by 2^(d − d_out) on int32 (ONNX Runtime's integer Div truncates toward zero, as
/// QSPARSE's quantizer does), Clip to the bits' range, Cast to int8; activation pruners: Mul by the mask;</item>
/// <item>ReLU, max-pooling (int8, or exactly in float32 for int32 values below 2^24), flattening and reshapes,
/// Dropout and Identity; residual adds and subtractions with operands aligned to the finer decimal.</item>
/// </list>
/// The graph ends before a float head (log-softmax on the last layer's logits): its output is int32 at the decimal
/// the metadata names. Static bounds on every int32 value refuse a model that could overflow, naming the layer.
/// Anything else is an error naming the module or op and why.
/// </summary>
public sealed class OnnxIntExport
{
    const string Cannot = "onnx-int export cannot write";

    readonly ModelTrace trace;
    readonly IReadOnlyDictionary<string, HostTensor> state;
    readonly OnnxGraph graph = new();
    readonly Dictionary<TraceStep, ExportValue> values = new(ReferenceEqualityComparer.Instance);
    readonly OnnxMetadata metadata = new();
    (int Decimal, int Bits)? input;

    OnnxIntExport(ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state)
    {
        this.trace = trace;
        this.state = state;
    }

    /// <summary>
    /// The integer graph of <paramref name="net"/>, whose state dict is <paramref name="state"/>, traced on
    /// <paramref name="inputs"/> (one or more examples; the graph takes any batch size).
    /// </summary>
    public static OnnxIntModel Build(Module net, IReadOnlyDictionary<string, HostTensor> state, Tensor inputs) =>
        new OnnxIntExport(IntegerReplay.Record(net, inputs), state).Run();

    OnnxIntModel Run()
    {
        foreach (var step in trace.Steps)
            values[step] = step is ModuleCall call ? Call(call, In(call.Source)) : Op((FunctionalOp)step, step.Inputs.Select(In).ToList());
        var (output, head, outputStep) = In(trace.OutputFrom) switch
        {
            IntTensor t => (t, null, trace.OutputFrom),
            FloatHead h => (h.Before, h.What, h.BeforeStep),
            NoIntegerForm f => throw new InvalidOperationException(f.Why),
            _ => throw new InvalidOperationException($"{Cannot} the network: its output is not integers"),
        };
        var (inputDecimal, inputBits) = input ?? throw new InvalidOperationException(
            $"{Cannot} the network: its input is not quantized (train with --mode quantize or quantize+prune)");
        string name = graph.Node("Cast", "output", [output.Name], OnnxGraph.Int("to", (long)DataType.Int32));
        graph.Proto.Output.Add(OnnxGraph.Value(name, DataType.Int32, output.Shape));
        metadata.Set("input_decimal", $"{inputDecimal}");
        metadata.Set("input_bits", $"{inputBits}");
        metadata.Set("output_decimal", $"{output.Decimal}");
        if (head != null)
            metadata.Set("float_head", head);
        var model = metadata.Model(graph.Proto,
            $"QSPARSE network in integers: input int8 = trunc(x·2^{inputDecimal}) clamped to {inputBits} bits; " +
            $"output int32 = the float pipeline's {(head == null ? "output" : $"values before {head}")} · 2^{output.Decimal}, exactly.");
        return new OnnxIntModel(model, inputDecimal, inputBits, output.Decimal, output.Shape, (outputStep as ModuleCall)?.Path);
    }

    ExportValue In(TraceStep? source) => source switch
    {
        null => new NoIntegerForm($"{Cannot} a tensor the trace did not see made (a new tensor, or one made by Clone, To or Detach)"),
        ModelInput => new FloatInput(),
        _ => values[source],
    };

    ExportValue Call(ModuleCall call, ExportValue x)
    {
        switch (call.Module)
        {
            case QuantizeLayer:
                return x is FloatInput ? Input(call) : Requantize(call, Need(x, call));
            case PruneLayer:
                return x is FloatInput ? x : Prune(call, Need(x, call));
            case Conv2d or Linear:
                return Layer(call, Need(x, call));
            case ReLU:
                return x is IntTensor t ? t with { Name = graph.Node("Relu", $"{call.Path}/Relu", [t.Name]) } : x;
            case ReLU6:
                return Clamp(call, Need(x, call), 0, 6);
            case Hardtanh h:
                return Clamp(call, Need(x, call), h.MinVal, h.MaxVal);
            case MaxPool2d { CeilMode: false } pool:
                return MaxPool(call, Need(x, call), pool);
            case AvgPool2d pool:
                return AvgPool(call, Need(x, call), pool);
            case AdaptiveAvgPool2d:
                return AdaptiveAvgPool(call, Need(x, call));
            case Flatten:
                return x is IntTensor f ? Reshape(call.Path, f, call.OutputShape) : x;
            // NOTE: a Sequential is a step only when it has no children (ResNet's identity shortcut): it returns its input.
            case DropoutModule or Identity or Sequential:
                return x;
            case BatchNorm:
                return new NoIntegerForm($"{Cannot} {call.Describe()} in integers: it is not folded into the layer before it (FuseBn, --fuse-bn)");
            case LogSoftmax or Softmax or Tanh or Sigmoid when x is IntTensor { Type: DataType.Int32 } logits:
                return new FloatHead(logits, call.Source!, call.Describe());
            default:
                return new NoIntegerForm($"{Cannot} {call.Describe()} in integers (no integer form exported)");
        }
    }

    ExportValue Op(FunctionalOp op, List<ExportValue> inputs) => op.Name switch
    {
        "Add" or "Sub" when inputs.Count == 2 => Add(op, Need(inputs[0], op), Need(inputs[1], op)),
        "Reshape" when inputs[0] is IntTensor t => Reshape($"{op.Parent?.Path}/Reshape", t, op.OutputShape),
        "Relu" when inputs[0] is IntTensor t => t with { Name = graph.Node("Relu", $"{op.Parent?.Path}/Relu", [t.Name]) },
        "LogSoftmax" or "Softmax" or "Tanh" or "Sigmoid" when inputs[0] is IntTensor { Type: DataType.Int32 } logits => new FloatHead(logits, op.Inputs[0]!, op.Describe()),
        _ => inputs.OfType<NoIntegerForm>().FirstOrDefault() ?? new NoIntegerForm($"{Cannot} {op.Describe()} in integers (no integer form exported)"),
    };

    static IntTensor Need(ExportValue x, TraceStep consumer) => x switch
    {
        IntTensor t => t,
        NoIntegerForm f => throw new InvalidOperationException($"{f.Why}; {consumer.Describe()} needs its output in integers"),
        FloatInput => throw new InvalidOperationException($"{Cannot} {consumer.Describe()}: its input is the model's float input (no input quantizer before it)"),
        FloatHead h => throw new InvalidOperationException($"{Cannot} {consumer.Describe()}: its input is the float output of {h.What}"),
        _ => throw new InvalidOperationException($"{Cannot} {consumer.Describe()}"),
    };

    /// <summary>The input quantizer: the graph's int8 input, at its decimal.</summary>
    IntTensor Input(ModuleCall call)
    {
        var (decimals, bits) = ActivationQuantizer(call);
        if (bits > 8)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: the input quantizer has {bits} bits; the graph's input is int8");
        if (input != null)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: a second quantizer reads the model's float input");
        input = (decimals, bits);
        graph.Proto.Input.Add(OnnxGraph.Value("input", DataType.Int8, call.OutputShape));
        return new IntTensor("input", DataType.Int8, decimals, call.OutputShape, 1L << (bits - 1));
    }

    /// <summary>t / 2^(d − d_out) truncated toward zero (or t·2^(d_out − d)), clamped to the quantizer's bits, int8 when they fit.</summary>
    IntTensor Requantize(ModuleCall call, IntTensor x)
    {
        var (dq, bits) = ActivationQuantizer(call);
        var t = ToInt32(call.Path, x);
        int shift = x.Decimal - dq;
        string name = t.Name;
        if (shift > 0)
            name = graph.Node("Div", $"{call.Path}/Div", [name, graph.Scalar($"{call.Path}/divisor", 1L << shift)]);
        else if (shift < 0)
        {
            Checked(call, x.Bound, -shift, 0);
            name = graph.Node("Mul", $"{call.Path}/Mul", [name, graph.Scalar($"{call.Path}/multiplier", 1L << -shift)]);
        }
        long lo = -(1L << (bits - 1)), hi = (1L << (bits - 1)) - 1;
        name = graph.Node("Clip", $"{call.Path}/Clip", [name, graph.Scalar($"{call.Path}/min", lo), graph.Scalar($"{call.Path}/max", hi)]);
        metadata.Quantizer(call.Path, dq, bits);
        var clipped = new IntTensor(name, DataType.Int32, dq, x.Shape, -lo);
        return bits <= 8 ? Cast(call.Path, clipped, DataType.Int8) : clipped;
    }

    /// <summary>An activation pruner: its mask (over everything but the batch) multiplied in.</summary>
    IntTensor Prune(ModuleCall call, IntTensor x)
    {
        var mask = state[$"{call.Path}.mask"].AsBools();
        int[] dims = MaskDims(call, x.Shape, mask.Length);
        var t = ToInt32(call.Path, x);
        string name = graph.Node("Mul", $"{call.Path}/Mul", [t.Name, graph.Constant($"{call.Path}/mask", DataType.Int32,
            [1, .. dims.Select(d => (long)d)], mask.Select(m => m ? 1L : 0L).ToArray())]);
        metadata.Pruner(call.Path, mask);
        var pruned = t with { Name = name };
        return x.Type == DataType.Int8 ? Cast(call.Path, pruned, DataType.Int8) : pruned;
    }

    /// <summary>The trailing dimensions of <paramref name="shape"/> whose sizes multiply to the mask's length (the replay broadcasts it over the rest).</summary>
    internal static int[] MaskDims(ModuleCall call, int[] shape, int length, string cannot = Cannot)
    {
        for (int k = shape.Length - 1, product = 1; k >= 1; k--)
        {
            product *= shape[k];
            if (product == length)
                return [.. Enumerable.Repeat(1, k - 1), .. shape[k..]];
        }
        throw new InvalidOperationException($"{cannot} {call.Describe()}: its mask of {length} entries does not cover trailing dimensions of {Format(shape)}");
    }

    /// <summary>
    /// Conv2d or Linear: int8 × int8 accumulated in int32, then brought to the layer's finest decimal (of d_in + d_w and
    /// the bias's) by exact multiplications, as the replay aligns them. Weight decimals that vary over output channels
    /// scale each channel's accumulator; decimals that vary over input channels split the product into one per decimal
    /// (the other channels' weights zero), each scaled and summed: an int8 weight cannot be shifted in place.
    /// </summary>
    IntTensor Layer(ModuleCall call, IntTensor x)
    {
        string path = call.Path;
        var layer = LayerIntegers.Of(call, trace, state, Cannot);
        if (x.Type != DataType.Int8)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its input is not int8 (no quantizer of at most 8 bits before it)");
        if (layer.WeightBits > 8)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its weight has {layer.WeightBits} bits; ConvInteger and MatMulInteger take int8");
        int outChannels = layer.WeightShape[0], perOutput = layer.Weight.Length / outChannels;
        var parts = Parts(call, layer);
        int finest = parts.SelectMany(p => p.Decimals).Max() + x.Decimal;
        if (layer.Bias != null)
            finest = Math.Max(finest, Enumerable.Range(0, outChannels).Max(layer.BiasDecimal));
        var biasShift = Enumerable.Range(0, outChannels).Select(o => layer.Bias == null ? 0 : finest - layer.BiasDecimal(o)).ToArray();
        long[] channelDims = call.Module is Conv2d ? [1, outChannels, 1, 1] : [1, outChannels];

        // Per output channel: |Σ x·w| ≤ Σ|w|·bound(x) in each part, scaled to the finest decimal, plus the aligned bias.
        var bounds = Enumerable.Range(0, outChannels).Select(o => layer.Bias == null ? 0 : Math.Abs(layer.Bias[o]) << biasShift[o]).ToArray();
        string? acc = null;
        for (int k = 0; k < parts.Count; k++)
        {
            var (weights, decimals) = parts[k];
            var shifts = decimals.Select(d => finest - x.Decimal - d).ToArray();
            for (int o = 0; o < outChannels; o++)
                bounds[o] = Checked(call, weights.Skip(o * perOutput).Take(perOutput).Sum(Math.Abs) * x.Bound, shifts[o], bounds[o]);
            string suffix = parts.Count == 1 ? "" : $"_d{decimals[0]}";
            string product = Product(call, x, weights, suffix);
            if (shifts.Any(s => s != 0))
                product = graph.Node("Mul", $"{path}/align{suffix}", [product, graph.Constant($"{path}/align{suffix}_factor", DataType.Int32,
                    shifts.Distinct().Count() == 1 ? [] : channelDims, shifts.Distinct().Count() == 1 ? [1L << shifts[0]] : shifts.Select(s => 1L << s).ToArray())]);
            acc = acc == null ? product : graph.Node("Add", $"{path}/sum{suffix}", [acc, product]);
        }
        if (layer.Bias is { } bias)
            acc = graph.Node("Add", $"{path}/bias", [acc!, graph.Constant($"{path}/bias_aligned", DataType.Int32, channelDims,
                bias.Select((b, o) => b << biasShift[o]).ToArray())]);
        metadata.Layer(path, layer);
        return new IntTensor(acc!, DataType.Int32, finest, call.OutputShape, bounds.Max());
    }

    /// <summary>
    /// The layer's weight as products to sum: one (the weight, each output channel's decimal) when the decimals are one
    /// or vary over output channels; one per distinct decimal over input channels (that decimal's channels only).
    /// </summary>
    static List<(long[] Weights, int[] Decimals)> Parts(ModuleCall call, LayerIntegers layer)
    {
        int outChannels = layer.WeightShape[0];
        var distinct = layer.WeightDecimals.Distinct().ToList();
        if (distinct.Count == 1)
            return [(layer.Weight, Enumerable.Repeat(distinct[0], outChannels).ToArray())];
        if (layer.Channelwise == 0)
            return [(layer.Weight, layer.WeightDecimals)];
        if (layer.Channelwise != 1)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its weight decimals vary along dimension {layer.Channelwise}");
        return distinct.Select(d => (layer.Weight.Select((w, i) => layer.WeightDecimal(i) == d ? w : 0).ToArray(),
            Enumerable.Repeat(d, outChannels).ToArray())).ToList();
    }

    /// <summary>ConvInteger (Conv2d) or MatMulInteger (Linear, weight transposed to [in, out]) of int8 x and int8 <paramref name="weights"/>.</summary>
    string Product(ModuleCall call, IntTensor x, long[] weights, string suffix)
    {
        string path = call.Path;
        var weightShape = state[$"{path}.weight"].Shape;
        if (call.Module is Conv2d c)
        {
            string w = graph.Constant($"{path}/weight{suffix}", DataType.Int8, weightShape.Select(d => (long)d).ToArray(), weights);
            return graph.Node("ConvInteger", $"{path}/ConvInteger{suffix}", [x.Name, w], ConvAttributes(c, weightShape));
        }
        int outFeatures = weightShape[0], inFeatures = weightShape[1];
        var transposed = new long[weights.Length];
        for (int o = 0; o < outFeatures; o++)
            for (int i = 0; i < inFeatures; i++)
                transposed[i * outFeatures + o] = weights[o * inFeatures + i];
        string wt = graph.Constant($"{path}/weight_t{suffix}", DataType.Int8, [inFeatures, outFeatures], transposed);
        return graph.Node("MatMulInteger", $"{path}/MatMulInteger{suffix}", [x.Name, wt]);
    }

    /// <summary>The attributes of an ONNX Conv (or ConvInteger) doing what <paramref name="c"/> does with a weight of <paramref name="weightShape"/>.</summary>
    internal static AttributeProto[] ConvAttributes(Conv2d c, int[] weightShape) =>
    [
        OnnxGraph.Ints("strides", c.Stride.H, c.Stride.W), OnnxGraph.Ints("dilations", c.Dilation.H, c.Dilation.W),
        OnnxGraph.Ints("pads", c.Padding.H, c.Padding.W, c.Padding.H, c.Padding.W), OnnxGraph.Int("group", c.Groups),
        OnnxGraph.Ints("kernel_shape", weightShape[2], weightShape[3]),
    ];

    /// <summary>The attributes of an ONNX MaxPool doing what <paramref name="pool"/> (without ceil_mode) does.</summary>
    internal static AttributeProto[] MaxPoolAttributes(MaxPool2d pool) =>
    [
        OnnxGraph.Ints("kernel_shape", pool.KernelSize.H, pool.KernelSize.W), OnnxGraph.Ints("strides", pool.Stride.H, pool.Stride.W),
        OnnxGraph.Ints("pads", pool.Padding.H, pool.Padding.W, pool.Padding.H, pool.Padding.W),
        OnnxGraph.Ints("dilations", pool.Dilation.H, pool.Dilation.W),
    ];

    /// <summary>Max-pooling: on int8 directly; on int32 exactly in float32 (the values' bound below 2^24).</summary>
    IntTensor MaxPool(ModuleCall call, IntTensor x, MaxPool2d pool)
    {
        var attributes = MaxPoolAttributes(pool);
        if (x.Type == DataType.Int8)
            return x with { Name = graph.Node("MaxPool", $"{call.Path}/MaxPool", [x.Name], attributes), Shape = call.OutputShape };
        if (x.Bound >= 1 << 24)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its int32 input (|t| ≤ {x.Bound}) does not fit float32's 24 bits exactly");
        string floats = graph.Node("Cast", $"{call.Path}/to_float", [x.Name], OnnxGraph.Int("to", (long)DataType.Float));
        string pooled = graph.Node("MaxPool", $"{call.Path}/MaxPool", [floats], attributes);
        return x with { Name = graph.Node("Cast", $"{call.Path}/to_int32", [pooled], OnnxGraph.Int("to", (long)DataType.Int32)), Shape = call.OutputShape };
    }

    /// <summary>Clamps into [lo, hi] (ReLU6, Hardtanh) when both bounds are integers at the input's decimal.</summary>
    IntTensor Clamp(ModuleCall call, IntTensor x, double lo, double hi)
    {
        double l = Math.ScaleB((float)lo, x.Decimal), h = Math.ScaleB((float)hi, x.Decimal);
        if (l != Math.Floor(l) || h != Math.Floor(h) || Math.Abs(l) > int.MaxValue || Math.Abs(h) > int.MaxValue)
            throw new InvalidOperationException($"{Cannot} {call.Describe()} in integers: its bounds {lo} and {hi} are not multiples of 2^-{x.Decimal}, the input's resolution");
        var t = ToInt32(call.Path, x);
        string name = graph.Node("Clip", $"{call.Path}/Clip", [t.Name, graph.Scalar($"{call.Path}/min", (long)l), graph.Scalar($"{call.Path}/max", (long)h)]);
        var clipped = t with { Name = name, Bound = Math.Min(t.Bound, (long)Math.Max(Math.Abs(l), Math.Abs(h))) };
        return x.Type == DataType.Int8 ? Cast(call.Path, clipped, DataType.Int8) : clipped;
    }

    /// <summary>AvgPool2d without padding or ceil_mode whose divisor is 2^m: the window sums at m more decimals.</summary>
    IntTensor AvgPool(ModuleCall call, IntTensor x, AvgPool2d pool)
    {
        int divisor = pool.DivisorOverride ?? pool.KernelSize.H * pool.KernelSize.W;
        if (pool.Padding.H != 0 || pool.Padding.W != 0 || pool.CeilMode || divisor != pool.KernelSize.H * pool.KernelSize.W || !int.IsPow2(divisor))
            throw new InvalidOperationException($"{Cannot} {call.Describe()} in integers: only windows of 2^m values without padding, ceil_mode or divisor_override are");
        return WindowSums(call, x, pool.KernelSize, pool.Stride);
    }

    /// <summary>AdaptiveAvgPool2d whose windows all hold the same 2^m values (sizes that divide evenly): the window sums at m more decimals.</summary>
    IntTensor AdaptiveAvgPool(ModuleCall call, IntTensor x)
    {
        int h = x.Shape[^2], w = x.Shape[^1], oh = call.OutputShape[^2], ow = call.OutputShape[^1];
        if (h % oh != 0 || w % ow != 0 || !int.IsPow2(h / oh * (w / ow)))
            throw new InvalidOperationException($"{Cannot} {call.Describe()} in integers: its windows over {h}×{w} → {oh}×{ow} do not all hold the same 2^m values");
        if (oh == 1 && ow == 1)
        {
            // Global pooling (ResNet's, MobileNet's) sums whole planes in int32, exactly at any size.
            var t = ToInt32(call.Path, x);
            string sum = graph.Node("ReduceSum", $"{call.Path}/ReduceSum", [t.Name, graph.Constant($"{call.Path}/axes", DataType.Int64, [2], [2, 3])],
                OnnxGraph.Int("keepdims", 1));
            return new IntTensor(sum, DataType.Int32, x.Decimal + int.Log2(h * w), call.OutputShape, Checked(call, t.Bound * h * w, 0, 0));
        }
        return WindowSums(call, x, (h / oh, w / ow), (h / oh, w / ow));
    }

    /// <summary>
    /// Sums of kh×kw windows (2^m values) at m more decimals: AveragePool in float32 divides the sum by 2^m and the
    /// product by 2^m undoes it, both exact while the sums stay below 2^24 (ONNX Runtime has no integer AveragePool).
    /// </summary>
    IntTensor WindowSums(ModuleCall call, IntTensor x, Size2 kernel, Size2 stride)
    {
        int count = kernel.H * kernel.W;
        long bound = x.Bound * count;
        if (bound >= 1 << 24)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its window sums (|t| ≤ {bound}) do not fit float32's 24 bits exactly");
        string floats = graph.Node("Cast", $"{call.Path}/to_float", [x.Name], OnnxGraph.Int("to", (long)DataType.Float));
        string mean = graph.Node("AveragePool", $"{call.Path}/AveragePool", [floats],
            OnnxGraph.Ints("kernel_shape", kernel.H, kernel.W), OnnxGraph.Ints("strides", stride.H, stride.W));
        string sum = graph.Node("Mul", $"{call.Path}/sum", [mean, graph.FloatScalar($"{call.Path}/count", count)]);
        string ints = graph.Node("Cast", $"{call.Path}/to_int32", [sum], OnnxGraph.Int("to", (long)DataType.Int32));
        return new IntTensor(ints, DataType.Int32, x.Decimal + int.Log2(count), call.OutputShape, bound);
    }

    /// <summary>a ± b: both aligned to the finer decimal by exact multiplications, added in int32.</summary>
    IntTensor Add(FunctionalOp op, IntTensor a, IntTensor b)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new InvalidOperationException($"{Cannot} {op.Describe()}: its operands' shapes {Format(a.Shape)} and {Format(b.Shape)} differ");
        string path = $"{op.Parent?.Path}/{op.Name}";
        int finer = Math.Max(a.Decimal, b.Decimal);
        IntTensor Aligned(IntTensor v, string which)
        {
            var t = ToInt32(path, v);
            int shift = finer - v.Decimal;
            return shift == 0 ? t : t with
            {
                Name = graph.Node("Mul", $"{path}/align_{which}", [t.Name, graph.Scalar($"{path}/align_{which}_factor", 1L << shift)]),
                Bound = Checked(op, t.Bound, shift, 0),
            };
        }
        var (left, right) = (Aligned(a, "a"), Aligned(b, "b"));
        long bound = Checked(op, left.Bound + right.Bound, 0, 0);
        return new IntTensor(graph.Node(op.Name, path, [left.Name, right.Name]), DataType.Int32, finer, a.Shape, bound);
    }

    IntTensor Reshape(string path, IntTensor x, int[] shape) => x with { Name = graph.Reshape(path, x.Name, shape), Shape = shape };

    IntTensor ToInt32(string path, IntTensor x) => x.Type == DataType.Int32 ? x : Cast(path, x, DataType.Int32);

    IntTensor Cast(string path, IntTensor x, DataType type) =>
        x with { Name = graph.Node("Cast", $"{path}/to_{(type == DataType.Int8 ? "int8" : "int32")}", [x.Name], OnnxGraph.Int("to", (long)type)), Type = type };

    (int Decimal, int Bits) ActivationQuantizer(ModuleCall call) =>
        QuantizerState.ActivationQuantizer(state, call.Path) ?? throw new InvalidOperationException($"{Cannot} {call.Describe()}: the checkpoint has no state for it");

    /// <summary>value·2^shift + extra, refused when it could leave int32's range.</summary>
    static long Checked(TraceStep step, long value, int shift, long extra)
    {
        if (shift >= 31 || value > (int.MaxValue - extra) >> shift)
            throw new InvalidOperationException($"{Cannot} {step.Describe()}: its int32 values could overflow (|t| up to 2^{Math.Log2(Math.Max(value, 1)) + shift:0.#})");
        return (value << shift) + extra;
    }

    static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";
}
