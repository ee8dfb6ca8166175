using Onnx;
using QSparse.Host.Verification;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// Writes a quantized network as the QuantizeLinear/DequantizeLinear ("QDQ") ONNX graph that other toolchains
/// import and lower to their integer kernels (opset 17): float32 in, float32 out, every quantizer a
/// QuantizeLinear → DequantizeLinear pair of scale 2^-d (float32) and zero point 0 (int8), preceded by a Clip where its
/// bits are fewer than 8; every Conv2d and Linear a float Conv / Gemm whose weight is an int8 initializer (QSPARSE's
/// own integers: masked, truncated, clamped) through a DequantizeLinear (scales per axis for channel-wise decimals)
/// and whose bias is int32 at the scale of input × weight (<see cref="Bias"/>); activation pruners a Mul by their mask; ReLU,
/// ReLU6, Hardtanh, Tanh, Sigmoid, max and average pooling, flattening, residual adds in float. What runs is read
/// from a <see cref="ModelTrace"/> of one forward, as <see cref="OnnxIntExport"/> reads it; nodes are named after
/// module paths ("q1/QuantizeLinear", "conv1/Conv") and the metadata holds the same keys (<see cref="OnnxMetadata"/>).
/// NOTE: QuantizeLinear rounds to nearest, ties to even; QSPARSE's quantizer truncates toward zero (unless it
/// was given the round-to-nearest <see cref="LinearQuantizer"/>, which the command line never does): activations
/// may differ by one step at every quantizer. The graph computes exactly the float pipeline with its activation
/// quantizers rounding to nearest even and its biases rounded as stored (<see cref="OnnxQdqModel.Quantizers"/>,
/// <see cref="OnnxQdqModel.Biases"/>; see <see cref="FloatPipeline"/>).
/// </summary>
public sealed class OnnxQdqExport
{
    const string Cannot = "onnx-qdq export cannot write";

    readonly ModelTrace trace;
    readonly IReadOnlyDictionary<string, HostTensor> state;
    readonly OnnxGraph graph = new();
    readonly Dictionary<TraceStep, FloatValue> values = new(ReferenceEqualityComparer.Instance);
    readonly OnnxMetadata metadata = new();
    readonly List<string> quantizers = [];
    readonly Dictionary<string, int[]> biases = [];
    FloatValue? input;
    (TraceStep Before, string What)? head;

    /// <summary>
    /// A float32 graph tensor and its shape (batch first); its values are multiples of 2^-<paramref name="Decimal"/>
    /// where that is known (a quantizer's output, through ReLU, pooling, reshapes and pruners), else null.
    /// </summary>
    sealed record FloatValue(string Name, int[] Shape, int? Decimal = null);

    OnnxQdqExport(ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state)
    {
        this.trace = trace;
        this.state = state;
    }

    /// <summary>
    /// The QDQ graph of <paramref name="net"/>, whose state dict is <paramref name="state"/>, traced on
    /// <paramref name="inputs"/> (one or more examples; the graph takes any batch size).
    /// </summary>
    public static OnnxQdqModel Build(Module net, IReadOnlyDictionary<string, HostTensor> state, Tensor inputs) =>
        new OnnxQdqExport(IntegerReplay.Record(net, inputs), state).Run();

    OnnxQdqModel Run()
    {
        foreach (var step in trace.Steps)
            values[step] = step is ModuleCall call ? Call(call, In(call.Source, step)) : Op((FunctionalOp)step, step.Inputs.Select(s => In(s, step)).ToList());
        var output = In(trace.OutputFrom, null);
        if (quantizers.Count == 0)
            throw new InvalidOperationException($"{Cannot} the network: it has no activation quantizer (train with --mode quantize or quantize+prune)");
        string name = graph.Node("Identity", "output", [output.Name]);
        graph.Proto.Output.Add(OnnxGraph.Value(name, DataType.Float, output.Shape));
        if (head is var (_, what))
            metadata.Set("float_head", what);
        metadata.Set("rounding", "QuantizeLinear rounds to nearest even; QSPARSE truncates toward zero");
        string before = head is var (_, h) ? $"values before {h}" : "output";
        var model = metadata.Model(graph.Proto,
            "QSPARSE network in QuantizeLinear/DequantizeLinear form: scales 2^-d, zero point 0, int8 weights (QSPARSE's own integers); " +
            $"output float32 = the float pipeline's {before}. NOTE: QuantizeLinear rounds to nearest, ties to even, " +
            "where QSPARSE's quantizer truncates toward zero (unless trained with its round-to-nearest quantizer): an activation may " +
            "differ by one step (2^-d) at every quantizer, and the output accordingly. A bias after a quantized input is int32 at the " +
            "scale of input × weight (the QDQ convention), rounded to nearest even where QSPARSE's has more decimals. With both " +
            "roundings, the float pipeline computes exactly this graph.");
        var outputStep = head?.Before ?? trace.OutputFrom;
        return new OnnxQdqModel(model, output.Shape, (outputStep as ModuleCall)?.Path, quantizers, biases);
    }

    FloatValue In(TraceStep? source, TraceStep? consumer) => source switch
    {
        null => throw new InvalidOperationException($"{Cannot} {consumer?.Describe() ?? "the network's output"}: it reads a tensor the trace did not see made (a new tensor, or one made by Clone, To or Detach)"),
        ModelInput m => input ??= Input(m),
        _ => values[source],
    };

    FloatValue Input(ModelInput m)
    {
        graph.Proto.Input.Add(OnnxGraph.Value("input", DataType.Float, m.OutputShape));
        return new FloatValue("input", m.OutputShape);
    }

    FloatValue Call(ModuleCall call, FloatValue x)
    {
        string path = call.Path;
        FloatValue Unary(string op, params AttributeProto[] attributes) => new(graph.Node(op, $"{path}/{op}", [x.Name], attributes), call.OutputShape, x.Decimal);
        switch (call.Module)
        {
            case QuantizeLayer:
                return Quantize(call, x);
            case PruneLayer:
                return Prune(call, x);
            case Conv2d or Linear:
                return Layer(call, x);
            case ReLU:
                return Unary("Relu");
            case ReLU6:
                return Clip(path, x, 0, 6);
            case Hardtanh h:
                return Clip(path, x, h.MinVal, h.MaxVal);
            case MaxPool2d pool:
                return Unary("MaxPool", [.. OnnxIntExport.MaxPoolAttributes(pool), OnnxGraph.Int("ceil_mode", pool.CeilMode ? 1 : 0)]);
            case AvgPool2d { DivisorOverride: null } pool:
                return Unary("AveragePool", OnnxGraph.Ints("kernel_shape", pool.KernelSize.H, pool.KernelSize.W),
                    OnnxGraph.Ints("strides", pool.Stride.H, pool.Stride.W), OnnxGraph.Ints("pads", pool.Padding.H, pool.Padding.W, pool.Padding.H, pool.Padding.W),
                    OnnxGraph.Int("ceil_mode", pool.CeilMode ? 1 : 0), OnnxGraph.Int("count_include_pad", pool.CountIncludePad ? 1 : 0)) with
                {
                    Decimal = pool.Padding is { H: 0, W: 0 } && !pool.CeilMode ? Finer(x.Decimal, pool.KernelSize.H * pool.KernelSize.W) : null,
                };
            case AdaptiveAvgPool2d:
                return AdaptiveAvgPool(call, x);
            case Flatten:
                return new FloatValue(graph.Reshape(path, x.Name, call.OutputShape), call.OutputShape, x.Decimal);
            // NOTE: a Sequential is a step only when it has no children (ResNet's identity shortcut): it returns its input.
            case DropoutModule or Identity or Sequential:
                return x;
            case LogSoftmax or Softmax or Tanh or Sigmoid when ReferenceEquals(call, trace.OutputFrom):
                return Head(call, call.Source);
            case Tanh:
                return Unary("Tanh") with { Decimal = null };
            case Sigmoid:
                return Unary("Sigmoid") with { Decimal = null };
            case BatchNorm:
                throw new InvalidOperationException($"{Cannot} {call.Describe()}: it is not folded into the layer before it (FuseBn, --fuse-bn)");
            default:
                throw new InvalidOperationException($"{Cannot} {call.Describe()} (no QDQ form exported)");
        }
    }

    FloatValue Op(FunctionalOp op, List<FloatValue> inputs)
    {
        string path = $"{op.Parent?.Path}/{op.Name}";
        return op.Name switch
        {
            "Add" or "Sub" when inputs.Count == 2 && inputs[0].Shape.SequenceEqual(inputs[1].Shape) =>
                new FloatValue(graph.Node(op.Name, path, [inputs[0].Name, inputs[1].Name]), op.OutputShape),
            "Reshape" => new FloatValue(graph.Reshape(path, inputs[0].Name, op.OutputShape), op.OutputShape, inputs[0].Decimal),
            "Relu" or "Tanh" or "Sigmoid" when !ReferenceEquals(op, trace.OutputFrom) =>
                new FloatValue(graph.Node(op.Name, path, [inputs[0].Name]), op.OutputShape, op.Name == "Relu" ? inputs[0].Decimal : null),
            "LogSoftmax" or "Softmax" or "Tanh" or "Sigmoid" when ReferenceEquals(op, trace.OutputFrom) => Head(op, op.Inputs[0]),
            _ => throw new InvalidOperationException($"{Cannot} {op.Describe()} (no QDQ form exported)"),
        };
    }

    /// <summary>The model's float head (log-softmax on the logits): not exported; the graph ends at its input.</summary>
    FloatValue Head(TraceStep step, TraceStep? before)
    {
        var value = In(before, step);
        head = (before!, step.Describe());
        return value;
    }

    /// <summary>
    /// An activation quantizer: QuantizeLinear (x / 2^-d rounded to nearest even, saturated to int8) and
    /// DequantizeLinear; with fewer than 8 bits a Clip to their range first (the same as clamping after rounding: the
    /// bounds are whole steps).
    /// </summary>
    FloatValue Quantize(ModuleCall call, FloatValue x)
    {
        string path = call.Path;
        var (decimals, bits) = QuantizerState.ActivationQuantizer(state, path)
                               ?? throw new InvalidOperationException($"{Cannot} {call.Describe()}: the checkpoint has no state for it");
        if (bits > 8)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: it has {bits} bits; QuantizeLinear (opset 17) makes int8");
        float scale = MathF.ScaleB(1, -decimals);
        var value = bits < 8 ? Clip(path, x, -(1 << (bits - 1)) * scale, ((1 << (bits - 1)) - 1) * scale) : x;
        string s = graph.FloatScalar($"{path}/scale", scale), zero = graph.Constant($"{path}/zero_point", DataType.Int8, [], [0]);
        string q = graph.Node("QuantizeLinear", $"{path}/QuantizeLinear", [value.Name, s, zero]);
        metadata.Quantizer(path, decimals, bits);
        if (call.Source is ModelInput)
        {
            metadata.Set("input_decimal", $"{decimals}");
            metadata.Set("input_bits", $"{bits}");
        }
        quantizers.Add(path);
        return new FloatValue(graph.Node("DequantizeLinear", $"{path}/DequantizeLinear", [q, s, zero]), call.OutputShape, decimals);
    }

    /// <summary>An activation pruner: its mask (over everything but the batch) multiplied in.</summary>
    FloatValue Prune(ModuleCall call, FloatValue x)
    {
        var mask = state[$"{call.Path}.mask"].AsBools();
        int[] dims = OnnxIntExport.MaskDims(call, x.Shape, mask.Length, Cannot);
        string constant = graph.Floats($"{call.Path}/mask", [1, .. dims.Select(d => (long)d)], mask.Select(m => m ? 1f : 0f));
        metadata.Pruner(call.Path, mask);
        return new FloatValue(graph.Node("Mul", $"{call.Path}/Mul", [x.Name, constant]), call.OutputShape, x.Decimal);
    }

    /// <summary>
    /// Conv2d (Conv) or Linear (Gemm, transB): the int8 weight through DequantizeLinear, one scale per channel along
    /// the quantizer's channel dimension when its decimals differ; the bias (<see cref="Bias"/>).
    /// </summary>
    FloatValue Layer(ModuleCall call, FloatValue x)
    {
        string path = call.Path;
        var layer = LayerIntegers.Of(call, trace, state, Cannot);
        if (layer.WeightBits > 8)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its weight has {layer.WeightBits} bits; its initializer is int8");
        string w = graph.Constant($"{path}/weight", DataType.Int8, layer.WeightShape.Select(d => (long)d).ToArray(), layer.Weight);
        bool perAxis = layer.WeightDecimals.Distinct().Count() > 1;
        long[] scaleDims = perAxis ? [layer.WeightDecimals.Length] : [];
        string scale = graph.Floats($"{path}/weight_scale", scaleDims, layer.WeightDecimals.Take(perAxis ? int.MaxValue : 1).Select(d => MathF.ScaleB(1, -d)));
        string zero = graph.Constant($"{path}/weight_zero_point", DataType.Int8, scaleDims, new long[perAxis ? layer.WeightDecimals.Length : 1]);
        string weight = graph.Node("DequantizeLinear", $"{path}/weight/DequantizeLinear", [w, scale, zero],
            perAxis ? [OnnxGraph.Int("axis", layer.Channelwise)] : []);
        List<string> inputs = [x.Name, weight];
        if (layer.Bias != null)
            inputs.Add(Bias(call, layer, x.Decimal));
        metadata.Layer(path, layer);
        if (call.Module is Conv2d c)
            return new FloatValue(graph.Node("Conv", $"{path}/Conv", inputs, OnnxIntExport.ConvAttributes(c, layer.WeightShape)), call.OutputShape);
        if (x.Shape.Length != 2)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its input has {x.Shape.Length} dimensions; Gemm takes [N, features]");
        return new FloatValue(graph.Node("Gemm", $"{path}/Gemm", inputs, OnnxGraph.Int("transB", 1)), call.OutputShape);
    }

    /// <summary>
    /// A layer's bias. After a value of known decimal d_x, with one weight decimal per output channel, the QDQ
    /// convention: int32 through DequantizeLinear at the product's scale 2^-(d_x + d_w) (what ONNX Runtime and other
    /// toolchains' integer convolutions add to their int32 accumulators; ONNX Runtime would otherwise convert a float
    /// bias so itself), QSPARSE's integers rounded to nearest even where they have more decimals; recorded in
    /// <see cref="OnnxQdqModel.Biases"/>. Else the float32 values the float pipeline adds.
    /// </summary>
    string Bias(ModuleCall call, LayerIntegers layer, int? inputDecimal)
    {
        string path = call.Path;
        var bias = layer.Bias!;
        int outChannels = layer.WeightShape[0];
        bool uniform = layer.WeightDecimals.Distinct().Count() == 1;
        if (inputDecimal is not { } dx || (!uniform && layer.Channelwise != 0))
            return graph.Floats($"{path}/bias", [bias.Length], bias.Select((b, o) => (float)Math.ScaleB((double)b, -layer.BiasDecimal(o))));
        var decimals = Enumerable.Range(0, outChannels).Select(o => dx + layer.WeightDecimals[uniform ? 0 : o]).ToArray();
        var aligned = bias.Select((b, o) => Math.Round(Math.ScaleB((double)b, decimals[o] - layer.BiasDecimal(o)), MidpointRounding.ToEven)).ToArray();
        if (aligned.Any(v => Math.Abs(v) > int.MaxValue))
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its bias at the scale of input × weight (2^-{decimals.Max()}) does not fit int32");
        bool perChannel = decimals.Distinct().Count() > 1;
        long[] scaleDims = perChannel ? [outChannels] : [];
        string scale = graph.Floats($"{path}/bias_scale", scaleDims, decimals.Take(perChannel ? outChannels : 1).Select(d => MathF.ScaleB(1, -d)));
        string ints = graph.Constant($"{path}/bias", DataType.Int32, [outChannels], aligned.Select(v => (long)v).ToArray());
        biases[trace.PathOf(call.BiasOperators.OfType<QuantizeLayer>().Single())] = decimals;
        return graph.Node("DequantizeLinear", $"{path}/bias/DequantizeLinear", [ints, scale], perChannel ? [OnnxGraph.Int("axis", 0)] : []);
    }

    /// <summary>Clamps into [lo, hi] (ReLU6, Hardtanh, a quantizer of fewer than 8 bits); the decimal stays where both bounds are on its grid.</summary>
    FloatValue Clip(string path, FloatValue x, double lo, double hi) =>
        new(graph.Node("Clip", $"{path}/Clip", [x.Name, graph.FloatScalar($"{path}/min", (float)lo), graph.FloatScalar($"{path}/max", (float)hi)]), x.Shape,
            x.Decimal is { } d && double.IsInteger(Math.ScaleB(lo, d)) && double.IsInteger(Math.ScaleB(hi, d)) ? d : null);

    /// <summary>The decimal of a mean of <paramref name="count"/> values at <paramref name="decimals"/>: log2(count) more when count is a power of two, else unknown.</summary>
    static int? Finer(int? decimals, int count) => decimals is { } d && int.IsPow2(count) ? d + int.Log2(count) : null;

    /// <summary>AdaptiveAvgPool2d: GlobalAveragePool to 1×1, else AveragePool where the sizes divide evenly.</summary>
    FloatValue AdaptiveAvgPool(ModuleCall call, FloatValue x)
    {
        int h = x.Shape[^2], w = x.Shape[^1], oh = call.OutputShape[^2], ow = call.OutputShape[^1];
        if (oh == 1 && ow == 1)
            return new FloatValue(graph.Node("GlobalAveragePool", $"{call.Path}/GlobalAveragePool", [x.Name]), call.OutputShape, Finer(x.Decimal, h * w));
        if (h % oh != 0 || w % ow != 0)
            throw new InvalidOperationException($"{Cannot} {call.Describe()}: its windows over {h}×{w} → {oh}×{ow} are not all the same size");
        var window = OnnxGraph.Ints("kernel_shape", h / oh, w / ow);
        return new FloatValue(graph.Node("AveragePool", $"{call.Path}/AveragePool", [x.Name], window, OnnxGraph.Ints("strides", h / oh, w / ow)), call.OutputShape,
            Finer(x.Decimal, h / oh * (w / ow)));
    }
}
