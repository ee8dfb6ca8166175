using System.Globalization;
using System.Text;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// The C99 of an onnx-int graph (<see cref="OnnxIntExport"/>), batch 1: one loop nest per node, in the graph's
/// order, over static shapes. Reshapes, flattening and widening casts are views of their input's buffer (C promotes
/// int8 reads itself); the float32 casts around max-pooling and average pooling are views too, the pooling done in
/// integers (an AveragePool and the Mul by its window's count are the window sums). Work buffers are reused once
/// the last node reading a value has run. Any other op is refused in one line naming the node.
/// </summary>
sealed class CTranslation
{
    const string Cannot = "c export cannot translate";

    /// <summary>Where a node's output lives: a work buffer (or the input parameter) shared by the views of it.</summary>
    sealed class Buffer(string name, bool int8)
    {
        public string Name { get; } = name;
        public bool Int8 { get; } = int8;
        public long Size { get; set; }
        public int LastUse { get; set; }
        public bool Free { get; set; }
    }

    /// <summary>A value: a view of <paramref name="Buffer"/> in row-major order; <paramref name="Pending"/> is an AveragePool's count not yet multiplied in.</summary>
    sealed record Value(Buffer Buffer, int[] Shape, DataType Type, int Pending = 0)
    {
        public long Size => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>An operand of a node: a value, a constant array, or a literal (scalars).</summary>
    sealed record Operand(string? Array, string? Literal, int[] Shape, DataType Type)
    {
        public string At(string index) => Literal ?? $"{Array}[{index}]";
    }

    readonly Dictionary<string, TensorProto> initializers;
    readonly Dictionary<string, Value> values = [];
    readonly Dictionary<string, int> lastUse = [];
    readonly List<Buffer> buffers = [];
    readonly Dictionary<string, string> arrays = [];
    readonly HashSet<string> identifiers = [];
    readonly StringBuilder constants = new(), body = new();

    public CTranslation(GraphProto graph)
    {
        initializers = graph.Initializer.ToDictionary(t => t.Name);
        if (graph.Input.Count != 1 || graph.Output.Count != 1)
            throw new InvalidOperationException($"{Cannot} the graph: it has {graph.Input.Count} inputs and {graph.Output.Count} outputs, not one of each");
        var input = graph.Input[0];
        if (input.Type.TensorType.ElemType != (int)DataType.Int8)
            throw new InvalidOperationException($"{Cannot} the graph: its input '{input.Name}' is not int8");
        InputShape = Dims(input);
        values[input.Name] = new Value(new Buffer("input", true) { LastUse = int.MaxValue }, InputShape, DataType.Int8);
        for (int k = 0; k < graph.Node.Count; k++)
            foreach (var name in graph.Node[k].Input)
                lastUse[name] = k;
        string outputName = graph.Output[0].Name;
        lastUse[outputName] = int.MaxValue;
        for (int k = 0; k < graph.Node.Count; k++)
        {
            var node = graph.Node[k];
            body.Append($"    /* {Comment(node.Name)}: {Comment(node.OpType)} */\n");
            var result = Translate(node);
            if (lastUse.GetValueOrDefault(node.Output[0], -1) is var last && last > result.Buffer.LastUse)
                result.Buffer.LastUse = last;
            values[node.Output[0]] = result;
            foreach (var name in node.Input)
                if (values.TryGetValue(name, out var used) && used.Buffer.LastUse <= k)
                    used.Buffer.Free = true;
        }
        var output = values[outputName];
        if (output.Pending != 0 || output.Type != DataType.Int32)
            throw new InvalidOperationException($"{Cannot} the graph: its output '{outputName}' is not int32");
        OutputShape = output.Shape;
        body.Append($"    for (int32_t i = 0; i < {output.Size}; i++)\n        output[i] = {output.Buffer.Name}[i];\n");
        var work = buffers.Where(b => b.Size > 0).ToList();
        WorkBytes = work.Sum(b => b.Size * (b.Int8 ? 1 : 4));
        Buffers = string.Concat(work.Select(b => $"static {(b.Int8 ? "int8_t" : "int32_t")} {b.Name}[{b.Size}];\n"));
    }

    /// <summary>The graph's input shape (batch 1).</summary>
    public int[] InputShape { get; }

    /// <summary>The graph's output shape (batch 1).</summary>
    public int[] OutputShape { get; }

    /// <summary>The constant arrays the code reads, C declarations.</summary>
    public string Constants => constants.ToString();

    /// <summary>The work buffers, C declarations.</summary>
    public string Buffers { get; }

    /// <summary>The work buffers' size in bytes.</summary>
    public long WorkBytes { get; }

    /// <summary>The statements of qsparse_run.</summary>
    public string Body => body.ToString();

    Value Translate(NodeProto node)
    {
        switch (node.OpType)
        {
            case "ConvInteger":
                return Conv(node, Input(node, 0), Constant(node, 1));
            case "MatMulInteger":
                return MatMul(node, Input(node, 0), Constant(node, 1));
            case "Add" or "Sub" or "Mul" or "Div":
                return Binary(node);
            case "Relu":
            {
                var x = Input(node, 0);
                return Map(node, x, x.Type, v => $"{v} > 0 ? {v} : 0");
            }
            case "Clip":
            {
                var x = Input(node, 0);
                string lo = Scalar(node, 1), hi = Scalar(node, 2);
                return Map(node, x, x.Type, v => $"{v} < {lo} ? {lo} : {v} > {hi} ? {hi} : {v}");
            }
            case "Cast":
                return Cast(node, Input(node, 0), (DataType)Attribute(node, "to", -1));
            case "Reshape":
                return View(Input(node, 0), ReshapeTo(node, Input(node, 0)));
            case "Flatten":
            {
                var x = Input(node, 0);
                int axis = (int)Attribute(node, "axis", 1);
                return View(x, [x.Shape[..axis].Aggregate(1, (a, b) => a * b), x.Shape[axis..].Aggregate(1, (a, b) => a * b)]);
            }
            case "Identity" or "Dropout" when node.Input.Count == 1:
                return View(Input(node, 0), Input(node, 0).Shape);
            case "MaxPool":
                return Pool(node, Input(node, 0), max: true);
            case "AveragePool":
                return Pool(node, Input(node, 0), max: false);
            case "ReduceSum":
                return ReduceSum(node, Input(node, 0));
            default:
                throw Refuse(node, "no C translation of this op");
        }
    }

    /// <summary>ConvInteger of int8 x [1, C, H, W] and int8 w [M, C/group, kh, kw] into int32, zero padding.</summary>
    Value Conv(NodeProto node, Value x, TensorProto w)
    {
        if (node.Input.Count != 2 || x.Shape.Length != 4 || w.Dims.Count != 4 || w.DataType != (int)DataType.Int8)
            throw Refuse(node, "only int8 [1, C, H, W] by int8 [M, C/group, kh, kw] without zero points is translated");
        int c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3], m = (int)w.Dims[0], cg = (int)w.Dims[1], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        int group = (int)Attribute(node, "group", 1);
        var (strides, dilations, pads) = (Ints(node, "strides", [1, 1]), Ints(node, "dilations", [1, 1]), Ints(node, "pads", [0, 0, 0, 0]));
        if (cg * group != c || m % group != 0)
            throw Refuse(node, $"its {c} input channels and {m} outputs do not split into {group} groups of {cg}");
        var (oh, ow) = OutputSize(h, wd, [kh, kw], strides, dilations, pads);
        var y = Allocate(int8: false, [1, m, oh, ow], DataType.Int32);
        string weights = Array(w), channel = group == 1 ? "c" : $"m / {m / group} * {cg} + c";
        Line(0, $"for (int32_t m = 0; m < {m}; m++)");
        Line(1, $"for (int32_t oy = 0; oy < {oh}; oy++)");
        Line(2, $"for (int32_t ox = 0; ox < {ow}; ox++) {{");
        Line(3, "int32_t acc = 0;");
        Line(3, $"for (int32_t c = 0; c < {cg}; c++)");
        Window(4, h, wd, [kh, kw], strides, dilations, pads,
            $"acc += (int32_t){x.Buffer.Name}[(({channel}) * {h} + iy) * {wd} + ix] * {weights}[((m * {cg} + c) * {kh} + ky) * {kw} + kx];");
        Line(3, $"{y.Buffer.Name}[(m * {oh} + oy) * {ow} + ox] = acc;");
        Line(2, "}");
        return y;
    }

    /// <summary>MatMulInteger of int8 a [1, K] and int8 b [K, N] into int32 [1, N].</summary>
    Value MatMul(NodeProto node, Value a, TensorProto b)
    {
        if (node.Input.Count != 2 || a.Shape.Length != 2 || a.Shape[0] != 1 || b.Dims.Count != 2 || b.Dims[0] != a.Shape[1] || b.DataType != (int)DataType.Int8)
            throw Refuse(node, "only int8 [1, K] by int8 [K, N] without zero points is translated");
        int inner = a.Shape[1], n = (int)b.Dims[1];
        var y = Allocate(int8: false, [1, n], DataType.Int32);
        string weights = Array(b);
        Sums(y, n, inner, $"(int32_t){a.Buffer.Name}[k] * {weights}[k * {n} + j]");
        return y;
    }

    /// <summary>
    /// Add, Sub, Mul, Div of integers, broadcast as ONNX does. NOTE: C99's / truncates toward zero, as ONNX Runtime's
    /// integer Div and QSPARSE's quantizer do. A Mul by a float32 scalar is only the window count after an AveragePool.
    /// </summary>
    Value Binary(NodeProto node)
    {
        if (node.OpType == "Mul" && values.TryGetValue(node.Input[0], out var pooled) && pooled.Pending != 0
            && initializers.TryGetValue(node.Input[1], out var count) && count.DataType == (int)DataType.Float)
        {
            if (Floats(count) is not [var factor] || factor != pooled.Pending)
                throw Refuse(node, $"it multiplies window sums of {pooled.Pending} values by {string.Join(", ", Floats(count))}, not by their count");
            return pooled with { Pending = 0 };
        }
        var (a, b) = (Read(node, 0), Read(node, 1));
        if (a.Type is not (DataType.Int32 or DataType.Int8) || b.Type != a.Type)
            throw Refuse(node, $"its operands are {a.Type} and {b.Type}, not integers of one type");
        int rank = Math.Max(a.Shape.Length, b.Shape.Length);
        var shape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int da = Dim(a.Shape, d, rank), db = Dim(b.Shape, d, rank);
            if (da != db && da != 1 && db != 1)
                throw Refuse(node, $"its operands' shapes [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}] do not broadcast");
            shape[d] = Math.Max(da, db);
        }
        string op = node.OpType switch { "Add" => "+", "Sub" => "-", "Mul" => "*", _ => "/" };
        var y = Allocate(int8: a.Type == DataType.Int8, shape, a.Type);
        Loops(shape, [a, b], index => $"{y.Buffer.Name}[{index(shape)}] = (int32_t){a.At(index(a.Shape))} {op} (int32_t){b.At(index(b.Shape))};");
        return y;
    }

    /// <summary>An element-wise function of one value into a new buffer of <paramref name="type"/>.</summary>
    Value Map(NodeProto node, Value x, DataType type, Func<string, string> f)
    {
        if (x.Pending != 0 || type is not (DataType.Int8 or DataType.Int32 or DataType.Float))
            throw Refuse(node, $"its input is {type}");
        var y = Allocate(int8: type == DataType.Int8, x.Shape, type);
        string v = $"{x.Buffer.Name}[i]";
        Line(0, $"for (int32_t i = 0; i < {x.Size}; i++)");
        Line(1, $"{y.Buffer.Name}[i] = {(y.Buffer.Int8 ? "(int8_t)" : "")}({f(v)});");
        return y;
    }

    /// <summary>
    /// Cast: to a type whose values the buffer already holds (int8 to int32, integers to the float32 of ONNX Runtime's
    /// pooling and back), a view; int32 to int8 (after the Clip into range), a narrowing copy.
    /// </summary>
    Value Cast(NodeProto node, Value x, DataType to)
    {
        if (x.Pending != 0)
            throw Refuse(node, "it casts window sums not yet multiplied by their count");
        return to switch
        {
            DataType.Int8 when x.Buffer.Int8 => View(x, x.Shape) with { Type = to },
            DataType.Int8 when x.Type == DataType.Int32 => Map(node, x, to, v => v),
            DataType.Int32 or DataType.Float when x.Type is DataType.Int8 or DataType.Int32 or DataType.Float => View(x, x.Shape) with { Type = to },
            _ => throw Refuse(node, $"a cast from {x.Type} to {to}"),
        };
    }

    /// <summary>MaxPool (integer max; padding never wins) or AveragePool without padding (the window sums, pending the Mul by the count).</summary>
    Value Pool(NodeProto node, Value x, bool max)
    {
        if (x.Shape.Length != 4 || Attribute(node, "ceil_mode", 0) != 0 || x.Pending != 0)
            throw Refuse(node, "only [1, C, H, W] without ceil_mode is translated");
        var kernel = Ints(node, "kernel_shape", []);
        var (strides, dilations, pads) = (Ints(node, "strides", [1, 1]), Ints(node, "dilations", [1, 1]), Ints(node, "pads", [0, 0, 0, 0]));
        if (kernel.Length != 2 || (!max && (pads.Any(p => p != 0) || dilations.Any(d => d != 1))))
            throw Refuse(node, "only 2-d windows (average: without padding or dilation) are translated");
        int c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (oh, ow) = OutputSize(h, w, kernel, strides, dilations, pads);
        var y = Allocate(int8: max && x.Buffer.Int8, [1, c, oh, ow], x.Type);
        Line(0, $"for (int32_t c = 0; c < {c}; c++)");
        Line(1, $"for (int32_t oy = 0; oy < {oh}; oy++)");
        Line(2, $"for (int32_t ox = 0; ox < {ow}; ox++) {{");
        Line(3, max ? $"int32_t acc = {(x.Buffer.Int8 ? "INT8_MIN" : "INT32_MIN")};" : "int32_t acc = 0;");
        Window(3, h, w, kernel, strides, dilations, pads, $"const int32_t v = {x.Buffer.Name}[(c * {h} + iy) * {w} + ix];", max ? "if (v > acc) acc = v;" : "acc += v;");
        Line(3, $"{y.Buffer.Name}[(c * {oh} + oy) * {ow} + ox] = {(y.Buffer.Int8 ? "(int8_t)" : "")}acc;");
        Line(2, "}");
        return max ? y : y with { Pending = kernel[0] * kernel[1] };
    }

    /// <summary>
    /// The loops over a window at output position (oy, ox), skipping positions in the padding; <paramref name="statements"/>
    /// read row iy and column ix of the input.
    /// </summary>
    void Window(int depth, int h, int w, int[] kernel, int[] strides, int[] dilations, int[] pads, params string[] statements)
    {
        Line(depth, $"for (int32_t ky = 0; ky < {kernel[0]}; ky++) {{");
        Line(depth + 1, $"const int32_t iy = oy * {strides[0]} + ky * {dilations[0]} - {pads[0]};");
        if (pads[0] + pads[2] > 0)
            Line(depth + 1, $"if (iy < 0 || iy >= {h}) continue;");
        Line(depth + 1, $"for (int32_t kx = 0; kx < {kernel[1]}; kx++) {{");
        Line(depth + 2, $"const int32_t ix = ox * {strides[1]} + kx * {dilations[1]} - {pads[1]};");
        if (pads[1] + pads[3] > 0)
            Line(depth + 2, $"if (ix < 0 || ix >= {w}) continue;");
        foreach (var statement in statements)
            Line(depth + 2, statement);
        Line(depth + 1, "}");
        Line(depth, "}");
    }

    /// <summary>A window's output size, as ONNX computes it without ceil_mode (pads: top, left, bottom, right).</summary>
    internal static (int H, int W) OutputSize(int h, int w, int[] kernel, int[] strides, int[] dilations, int[] pads) =>
        ((h + pads[0] + pads[2] - dilations[0] * (kernel[0] - 1) - 1) / strides[0] + 1,
         (w + pads[1] + pads[3] - dilations[1] * (kernel[1] - 1) - 1) / strides[1] + 1);

    /// <summary>ReduceSum of int32 [1, C, H, W] over axes [2, 3], keeping them: each plane's sum.</summary>
    Value ReduceSum(NodeProto node, Value x)
    {
        var axes = node.Input.Count > 1 ? Longs(Constant(node, 1)) : [];
        if (x.Shape.Length != 4 || !axes.SequenceEqual([2L, 3L]) || Attribute(node, "keepdims", 1) != 1 || x.Type != DataType.Int32)
            throw Refuse(node, "only int32 [1, C, H, W] summed over axes [2, 3] with keepdims is translated");
        int c = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        var y = Allocate(int8: false, [1, c, 1, 1], DataType.Int32);
        Sums(y, c, plane, $"{x.Buffer.Name}[j * {plane} + k]");
        return y;
    }

    /// <summary>y[j] = Σ_k <paramref name="term"/> for j below <paramref name="outputs"/>, k below <paramref name="terms"/>, in int32.</summary>
    void Sums(Value y, int outputs, int terms, string term)
    {
        Line(0, $"for (int32_t j = 0; j < {outputs}; j++) {{");
        Line(1, "int32_t acc = 0;");
        Line(1, $"for (int32_t k = 0; k < {terms}; k++)");
        Line(2, $"acc += {term};");
        Line(1, $"{y.Buffer.Name}[j] = acc;");
        Line(0, "}");
    }

    int[] ReshapeTo(NodeProto node, Value x)
    {
        var dims = Longs(Constant(node, 1)).Select((d, i) => d == 0 ? x.Shape[i] : (int)d).ToArray();
        int known = dims.Where(d => d != -1).Aggregate(1, (a, b) => a * b);
        var shape = dims.Select(d => d == -1 ? (int)(x.Size / known) : d).ToArray();
        if (shape.Aggregate(1L, (a, b) => a * b) != x.Size)
            throw Refuse(node, $"[{string.Join(", ", x.Shape)}] does not reshape to [{string.Join(", ", dims)}]");
        return shape;
    }

    /// <summary>The same buffer under another shape; it lives as long as the view's last reader.</summary>
    static Value View(Value x, int[] shape) => x with { Shape = shape };

    Value Allocate(bool int8, int[] shape, DataType type)
    {
        long size = shape.Aggregate(1L, (a, b) => a * b);
        var free = buffers.Where(b => b.Free && b.Int8 == int8).ToList();
        var buffer = free.Where(b => b.Size >= size).MinBy(b => b.Size) ?? free.MaxBy(b => b.Size);
        if (buffer == null)
            buffers.Add(buffer = new Buffer($"qsparse_work{buffers.Count}", int8));
        buffer.Size = Math.Max(buffer.Size, size);
        buffer.Free = false;
        buffer.LastUse = -1;
        return new Value(buffer, shape, type);
    }

    /// <summary>
    /// Loops over <paramref name="shape"/>: one flat loop when no array operand broadcasts, else one per dimension
    /// above 1; <paramref name="statement"/> gets the row-major index of an operand's shape, broadcast.
    /// </summary>
    void Loops(int[] shape, Operand[] operands, Func<Func<int[], string>, string> statement)
    {
        long size = shape.Aggregate(1L, (a, b) => a * b);
        if (operands.All(o => o.Literal != null || o.Shape.Aggregate(1L, (a, b) => a * b) == size))
        {
            // NOTE: operands that broadcast to the output and have its size hold its elements in its order.
            Line(0, $"for (int32_t i = 0; i < {size}; i++)");
            Line(1, statement(_ => "i"));
            return;
        }
        int rank = shape.Length, depth = 0;
        for (int d = 0; d < rank; d++)
            if (shape[d] > 1)
                Line(depth++, $"for (int32_t i{d} = 0; i{d} < {shape[d]}; i{d}++)");
        string Index(int[] of)
        {
            var terms = new List<string>();
            long stride = 1;
            for (int d = of.Length - 1; d >= 0; d--)
            {
                if (of[d] > 1)
                    terms.Add(stride == 1 ? $"i{d + rank - of.Length}" : $"i{d + rank - of.Length} * {stride}");
                stride *= of[d];
            }
            return terms.Count == 0 ? "0" : string.Join(" + ", terms);
        }
        Line(depth, statement(Index));
    }

    internal static int Dim(int[] shape, int d, int rank) => d - (rank - shape.Length) is var k && k >= 0 ? shape[k] : 1;

    Value Input(NodeProto node, int k) =>
        values.TryGetValue(node.Input[k], out var v) ? v : throw Refuse(node, $"its input '{node.Input[k]}' is no value computed before it");

    TensorProto Constant(NodeProto node, int k) =>
        initializers.TryGetValue(node.Input[k], out var t) ? t : throw Refuse(node, $"its input '{node.Input[k]}' is not a constant");

    /// <summary>A value, or a constant: a literal when it holds one number, else an array in the header.</summary>
    Operand Read(NodeProto node, int k)
    {
        if (values.TryGetValue(node.Input[k], out var v))
        {
            if (v.Pending != 0)
                throw Refuse(node, "it reads window sums not yet multiplied by their count");
            return new Operand(v.Buffer.Name, null, v.Shape, v.Type);
        }
        var t = Constant(node, k);
        var type = (DataType)t.DataType;
        var shape = t.Dims.Select(d => (int)d).ToArray();
        return shape.Aggregate(1L, (a, b) => a * b) == 1
            ? new Operand(null, Literal(Longs(t)[0]), [], type)
            : new Operand(Array(t), null, shape, type);
    }

    string Scalar(NodeProto node, int k) =>
        Longs(Constant(node, k)) is [var v] ? Literal(v) : throw Refuse(node, $"its input '{node.Input[k]}' is not one number");

    /// <summary>The C array holding an integer constant (int8 when its values fit, else int32), declared once.</summary>
    string Array(TensorProto t)
    {
        if (arrays.TryGetValue(t.Name, out var name))
            return name;
        var data = Longs(t);
        bool int8 = data.All(v => v is >= sbyte.MinValue and <= sbyte.MaxValue);
        arrays[t.Name] = name = Identifier(t.Name);
        constants.Append($"/* {Comment(t.Name)} [{string.Join(", ", t.Dims)}] */\nstatic const {(int8 ? "int8_t" : "int32_t")} {name}[{data.Length}] = {{");
        for (int i = 0; i < data.Length; i++)
            constants.Append(i % 24 == 0 ? "\n    " : " ").Append(Literal(data[i])).Append(i < data.Length - 1 ? "," : "");
        constants.Append("\n};\n");
        return name;
    }

    string Identifier(string onnxName)
    {
        string stem = "qsparse_" + new string(onnxName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        string candidate = stem;
        for (int k = 2; !identifiers.Add(candidate); k++)
            candidate = $"{stem}_{k}";
        return candidate;
    }

    /// <summary>Text safe inside a C comment: printable ASCII ('·' as '*'), no comment delimiters.</summary>
    public static string Comment(string text) =>
        new string(text.Select(c => c == '·' ? '*' : c is >= ' ' and <= '~' ? c : '?').ToArray()).Replace("/*", "/ *").Replace("*/", "* /");

    static string Literal(long v) => v == int.MinValue ? "INT32_MIN" : v.ToString(CultureInfo.InvariantCulture);

    internal static long[] Longs(TensorProto t) => (DataType)t.DataType switch
    {
        DataType.Int8 => t.RawData.Span.ToArray().Select(b => (long)(sbyte)b).ToArray(),
        DataType.Int32 when t.RawData.Length > 0 => Enumerable.Range(0, t.RawData.Length / 4).Select(i => (long)BitConverter.ToInt32(t.RawData.Span[(4 * i)..])).ToArray(),
        DataType.Int32 => t.Int32Data.Select(v => (long)v).ToArray(),
        DataType.Int64 when t.RawData.Length > 0 => Enumerable.Range(0, t.RawData.Length / 8).Select(i => BitConverter.ToInt64(t.RawData.Span[(8 * i)..])).ToArray(),
        DataType.Int64 => [.. t.Int64Data],
        var type => throw new InvalidOperationException($"{Cannot} constant '{t.Name}': it is {type}, not integers"),
    };

    internal static float[] Floats(TensorProto t) => t.RawData.Length > 0
        ? Enumerable.Range(0, t.RawData.Length / 4).Select(i => BitConverter.ToSingle(t.RawData.Span[(4 * i)..])).ToArray()
        : [.. t.FloatData];

    internal static long Attribute(NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;

    internal static int[] Ints(NodeProto node, string name, int[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.Ints.Select(v => (int)v).ToArray() : fallback;

    internal static int[] Dims(ValueInfoProto value) => value.Type.TensorType.Shape.Dim.Select(d => d.HasDimValue ? (int)d.DimValue : 1).ToArray();

    void Line(int depth, string text) => body.Append(' ', 4 * (depth + 1)).Append(text).Append('\n');

    static InvalidOperationException Refuse(NodeProto node, string why) => new($"{Cannot} node '{node.Name}' ({node.OpType}): {why}");
}
