using Google.Protobuf;
using Google.Protobuf.Collections;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// Structured pruning made physical: removes from an onnx-int graph (<see cref="OnnxIntExport"/>) the channels that are
/// zero for every input, the output channels of the layers that make them and the matching input channels of the
/// layers that read them, so the model is smaller and computes the same integers.
/// <para>
/// A channel is zero when a bound proves it (<see cref="Bounds"/>, followed node by node): a ConvInteger or MatMulInteger
/// output channel whose weights are all zero (a weight mask zeroed the whole filter or row) or read only zero channels;
/// an activation mask whose whole channel is zero; a masked channel whose bias stays zero through the requantization,
/// or is negative before a ReLU. A channel whose output is a nonzero constant (a masked filter with a positive bias)
/// is kept: removing it would change what the next layer computes.
/// </para>
/// <para>
/// Channels are followed through element-wise nodes (masks, alignment, bias, requantization, ReLU, pooling, global
/// sums) and flattening (the next Linear loses each channel's block of columns). Every tensor joined by element-wise
/// nodes (a residual add's operands and sum) loses the same channels, and only channels zero wherever a layer reads
/// them: both sides of an add must agree. The graph's input and output keep their channels; so do grouped
/// convolutions and anything else not followed, each with a note naming the node.
/// </para>
/// </summary>
public sealed class Thinning
{
    /// <summary>Tensors whose channels go together: units are channels (features), each of <see cref="Member.Block"/> elements along axis 1 in a tensor.</summary>
    sealed class Group(int units, string origin)
    {
        Group? parent;
        public int Units { get; } = units;
        public string Origin { get; } = origin;
        public bool Pinned { get; set; }
        public List<string> ReadByLayers { get; } = [];
        public SortedSet<int> Removed { get; } = [];
        public Group Root => parent?.Root ?? this;

        public void Join(Group other)
        {
            var (a, b) = (Root, other.Root);
            if (a == b)
                return;
            b.parent = a;
            a.Pinned |= b.Pinned;
            a.ReadByLayers.AddRange(b.ReadByLayers);
        }
    }

    /// <summary>A tensor of <paramref name="Group"/>: channel u is the elements [u·Block, (u+1)·Block) of axis 1.</summary>
    sealed record Member(Group Group, int Block);

    /// <summary>An initializer that loses the removed channels of <paramref name="Group"/> along <paramref name="Axis"/>, <paramref name="Block"/> elements each.</summary>
    sealed record ChannelCut(string Initializer, int Axis, int Block, Group Group);

    readonly ModelProto model;
    readonly GraphProto graph;
    readonly Dictionary<string, TensorProto> initializers;
    readonly Dictionary<string, int[]> shapes;
    readonly Dictionary<string, int> uses = [];
    readonly Dictionary<string, Member> members = [];
    readonly Dictionary<string, Bounds[]> bounds = [];
    readonly List<ChannelCut> cuts = [];
    readonly List<ChannelCut> reshapes = [];
    readonly List<string> notes = [];
    readonly HashSet<string> floats = [];

    Thinning(ModelProto model)
    {
        this.model = model;
        graph = model.Graph;
        initializers = graph.Initializer.ToDictionary(t => t.Name);
        shapes = GraphShapes.Of(graph);
        foreach (var name in graph.Node.SelectMany(n => n.Input))
            uses[name] = uses.GetValueOrDefault(name) + 1;
    }

    /// <summary>
    /// <paramref name="exported"/> without its zero channels, and the report of what went: each layer's channels,
    /// parameters and multiply-accumulates before and after. A graph with none to remove comes back unchanged.
    /// </summary>
    public static ThinnedModel Thin(OnnxIntModel exported)
    {
        var pass = new Thinning(exported.Model);
        var thinned = pass.Run();
        return new ThinnedModel(exported with { Model = thinned }, ThinningReport.Compare(exported.Model, thinned, pass.notes));
    }

    ModelProto Run()
    {
        foreach (var input in graph.Input)
            Add(input.Name, new Member(new Group(Units(input.Name), $"input '{input.Name}'") { Pinned = true }, 1), Bounds.Unknown);
        foreach (var node in graph.Node)
            Follow(node);
        foreach (var output in graph.Output)
            members[output.Name].Group.Root.Pinned = true;
        foreach (var group in members.Values.Select(m => m.Group.Root).Distinct())
            Decide(group);
        return Rewrite();
    }

    void Follow(NodeProto node)
    {
        switch (node.OpType)
        {
            case "ConvInteger" or "MatMulInteger":
                Layer(node);
                break;
            case "Reshape":
                Reshape(node);
                break;
            default:
                Elementwise(node);
                break;
        }
    }

    /// <summary>A product: its output channels a new group; its input's channels read here.</summary>
    void Layer(NodeProto node)
    {
        string x = node.Input[0], y = node.Output[0];
        var input = members[x];
        if (node.Input.Count != 2 || !initializers.TryGetValue(node.Input[1], out var w))
        {
            Opaque(node, "its weight is not a constant or it has zero points");
            return;
        }
        bool conv = node.OpType == "ConvInteger";
        var dims = shapes[w.Name];
        int outs = conv ? dims[0] : dims[1], groups = conv ? (int)CTranslation.Attribute(node, "group", 1) : 1;
        if (groups != 1)
        {
            Opaque(node, $"a grouped convolution ({groups} groups)");
            return;
        }
        var group = new Group(outs, node.Name);
        Add(y, new Member(group, 1), Bounds.Unknown);
        input.Group.Root.ReadByLayers.Add(x);
        Cut(new ChannelCut(w.Name, conv ? 0 : 1, 1, group), node);
        Cut(new ChannelCut(w.Name, conv ? 1 : 0, input.Block, input.Group), node);

        // An output channel is zero when every input channel its weights touch is zero.
        var weights = CTranslation.Longs(w);
        var (inputBounds, result) = (bounds[x], bounds[y]);
        int perOut = conv ? weights.Length / outs : 0, inner = conv ? dims[2] * dims[3] : 0;
        for (int o = 0; o < outs; o++)
        {
            bool isZero = true;
            if (conv)
                for (int i = 0; i < perOut && isZero; i++)
                    isZero = weights[o * perOut + i] == 0 || inputBounds[i / inner].IsZero;
            else
                for (int k = 0; k < dims[0] && isZero; k++)
                    isZero = weights[k * outs + o] == 0 || inputBounds[k / input.Block].IsZero;
            result[o] = isZero ? Bounds.Zero : Bounds.Unknown;
        }
    }

    /// <summary>Flattening keeps the channels, each a block of columns; any other reshape is not followed.</summary>
    void Reshape(NodeProto node)
    {
        string x = node.Input[0], y = node.Output[0];
        var (from, to) = (shapes[x], shapes[y]);
        var input = members[x];
        if (from.Length < 2 || to.Length != 2 || to[1] != from.Skip(1).Aggregate(1, (a, b) => a * b))
        {
            Opaque(node, $"a reshape of [{string.Join(", ", from)}] to [{string.Join(", ", to)}] that is not a flattening");
            return;
        }
        var member = new Member(input.Group, to[1] / input.Group.Root.Units);
        Add(y, member, Bounds.Unknown);
        Array.Copy(bounds[x], bounds[y], bounds[x].Length);
        var cut = new ChannelCut(node.Input[1], 0, member.Block, input.Group);
        if (Shared(cut, node))
            return;
        reshapes.Add(cut);
    }

    /// <summary>
    /// Element-wise nodes (and pooling, and sums over the spatial axes): every tensor operand joins one group, constant
    /// operands with a channel axis lose the removed channels, and each channel's bound follows the op.
    /// </summary>
    void Elementwise(NodeProto node)
    {
        string y = node.Output[0];
        var shape = shapes[y];
        var tensors = node.Input.Where(members.ContainsKey).ToList();
        if (tensors.Count == 0)
        {
            Opaque(node, "it reads constants only");
            return;
        }
        var first = members[tensors[0]];
        bool aligned = shape.Length >= 2 && tensors.All(t => shapes[t].Length == shape.Length && shapes[t][1] == shape[1]
            && members[t].Block == first.Block && members[t].Group.Root.Units == first.Group.Root.Units);
        bool spatial = node.OpType != "ReduceSum" || CTranslation.Longs(initializers[node.Input[1]]).All(a => a >= 2);
        if (!aligned || !spatial)
        {
            Opaque(node, aligned ? "a sum over the channels" : "its operands' channels do not line up");
            return;
        }
        foreach (var t in tensors.Skip(1))
            first.Group.Join(members[t].Group);
        int units = first.Group.Root.Units;
        var operands = new List<Bounds[]>();
        for (int k = 0; k < node.Input.Count; k++)
        {
            string name = node.Input[k];
            if (members.ContainsKey(name))
                operands.Add(bounds[name]);
            else if (node.OpType == "ReduceSum" || !initializers.TryGetValue(name, out var constant))
                operands.Add(Enumerable.Repeat(Bounds.Unknown, units).ToArray());
            else
            {
                int axis = 1 - (shape.Length - shapes[name].Length);
                bool channelwise = axis >= 0 && shapes[name][axis] != 1;
                if (channelwise)
                    Cut(new ChannelCut(name, axis, first.Block, first.Group), node);
                operands.Add(ChannelBounds(constant, channelwise ? axis : -1, first.Block, units));
            }
        }
        Add(y, first, Bounds.Unknown);
        var to = (DataType)CTranslation.Attribute(node, "to", 0);
        if (to == DataType.Float || (node.OpType != "Cast" && floats.Contains(tensors[0])))
            floats.Add(y);
        bool padded = CTranslation.Attribute(node, "count_include_pad", 0) != 0;
        long count = node.OpType == "ReduceSum" ? shapes[tensors[0]].Aggregate(1L, (a, b) => a * b) / shapes[y].Aggregate(1L, (a, b) => a * b) : 1;
        for (int u = 0; u < units; u++)
        {
            var x = operands[0][u];
            bounds[y][u] = node.OpType switch
            {
                "Add" => x + operands[1][u],
                "Sub" => x - operands[1][u],
                "Mul" => x * operands[1][u],
                // NOTE: a float Div does not truncate: its bounds are not the integer quotient's (the export divides int32 only).
                "Div" => floats.Contains(y) ? Bounds.Unknown : x / operands[1][u],
                "Clip" => x.Clip(operands[1][u], operands[2][u]),
                "Relu" => x.Relu(),
                "Cast" when to == DataType.Int8 => x.Within(sbyte.MinValue, sbyte.MaxValue) ? x : Bounds.Unknown,
                "AveragePool" when padded => x.Union(Bounds.Zero),
                "Cast" or "MaxPool" or "AveragePool" => x,
                "ReduceSum" => x * new Bounds(count, count),
                _ => Bounds.Unknown,
            };
        }
    }

    /// <summary>A node not followed: the channels of its operands and of its output are kept.</summary>
    void Opaque(NodeProto node, string why)
    {
        foreach (var t in node.Input.Where(members.ContainsKey))
            members[t].Group.Root.Pinned = true;
        Add(node.Output[0], new Member(new Group(Units(node.Output[0]), node.Name) { Pinned = true }, 1), Bounds.Unknown);
        notes.Add($"{node.Name}: {why}; the channels of its input and output are kept");
    }

    /// <summary>Records <paramref name="cut"/>, unless its constant is shared with another node: then its group keeps its channels.</summary>
    void Cut(ChannelCut cut, NodeProto node)
    {
        if (!Shared(cut, node))
            cuts.Add(cut);
    }

    bool Shared(ChannelCut cut, NodeProto node)
    {
        if (uses[cut.Initializer] == 1)
            return false;
        cut.Group.Root.Pinned = true;
        notes.Add($"{node.Name}: its constant '{cut.Initializer}' is shared with another node; the channels it spans are kept");
        return true;
    }

    /// <summary>The channels removed from <paramref name="group"/>: those zero wherever a layer reads them (one is kept if all are).</summary>
    void Decide(Group group)
    {
        if (group.Pinned || group.ReadByLayers.Count == 0)
            return;
        for (int u = 0; u < group.Units; u++)
            if (group.ReadByLayers.All(t => bounds[t][u].IsZero))
                group.Removed.Add(u);
        if (group.Removed.Count == group.Units)
        {
            group.Removed.Remove(group.Removed.Min);
            notes.Add($"{group.Origin}: all {group.Units} channels are zero; one is kept so that every tensor has a channel");
        }
    }

    /// <summary>The graph with every cut applied to its initializers and the flattening shapes shortened.</summary>
    ModelProto Rewrite()
    {
        var thinned = model.Clone();
        var replaced = thinned.Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var cut in cuts.Where(c => c.Group.Root.Removed.Count > 0))
            replaced[cut.Initializer] = Without(replaced[cut.Initializer], cut.Axis, cut.Block, cut.Group.Root.Removed);
        foreach (var cut in reshapes.Where(c => c.Group.Root.Removed.Count > 0))
        {
            var dims = CTranslation.Longs(replaced[cut.Initializer]);
            dims[1] -= cut.Block * cut.Group.Root.Removed.Count;
            replaced[cut.Initializer] = new TensorProto { Name = cut.Initializer, DataType = (int)DataType.Int64, Dims = { dims.Length }, Int64Data = { dims } };
        }
        var kept = thinned.Graph.Initializer.Select(t => replaced[t.Name]).ToList();
        thinned.Graph.Initializer.Clear();
        thinned.Graph.Initializer.AddRange(kept);
        var layers = graph.Node.Where(n => n.OpType is "ConvInteger" or "MatMulInteger" && members[n.Output[0]].Group.Root.Removed.Count > 0)
            .Select(n => $"{n.Name} {members[n.Output[0]].Group.Root.Removed.Count}").ToList();
        if (layers.Count > 0)
        {
            thinned.MetadataProps.Add(new StringStringEntryProto { Key = "qsparse.thinned", Value = $"output channels removed (zero for every input): {string.Join(", ", layers)}" });
            thinned.DocString += $" Thinned: output channels removed (zero for every input): {string.Join(", ", layers)}.";
        }
        return thinned;
    }

    /// <summary><paramref name="t"/> without the elements whose index along <paramref name="axis"/>, divided by <paramref name="block"/>, is in <paramref name="removed"/>.</summary>
    static TensorProto Without(TensorProto t, int axis, int block, IReadOnlySet<int> removed)
    {
        var dims = t.Dims.Select(d => (int)d).ToArray();
        int count = dims.Aggregate(1, (a, b) => a * b), stride = dims.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        var keep = Enumerable.Range(0, count).Where(i => !removed.Contains(i / stride % dims[axis] / block)).ToArray();
        var cut = t.Clone();
        cut.Dims[axis] = dims[axis] - removed.Count * block;
        if (t.RawData.Length > 0)
        {
            int size = t.RawData.Length / count;
            var bytes = new byte[keep.Length * size];
            for (int k = 0; k < keep.Length; k++)
                t.RawData.Span.Slice(keep[k] * size, size).CopyTo(bytes.AsSpan(k * size));
            cut.RawData = ByteString.CopyFrom(bytes);
        }
        Keep(cut.Int32Data, t.Int32Data, keep);
        Keep(cut.Int64Data, t.Int64Data, keep);
        Keep(cut.FloatData, t.FloatData, keep);
        return cut;
    }

    static void Keep<T>(RepeatedField<T> to, RepeatedField<T> from, int[] keep)
    {
        if (from.Count == 0)
            return;
        to.Clear();
        to.AddRange(keep.Select(i => from[i]));
    }

    /// <summary>Each channel's bounds of a constant (its slice along <paramref name="axis"/>, or all of it when it has none: -1).</summary>
    static Bounds[] ChannelBounds(TensorProto t, int axis, int block, int units)
    {
        var values = t.DataType == (int)DataType.Float ? CTranslation.Floats(t).Select(v => (double)v).ToArray() : CTranslation.Longs(t).Select(v => (double)v).ToArray();
        if (axis < 0)
            return Enumerable.Repeat(Bounds.Of(values.Min(), values.Max()), units).ToArray();
        var dims = t.Dims.Select(d => (int)d).ToArray();
        int stride = dims.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        var (min, max) = (Enumerable.Repeat(double.PositiveInfinity, units).ToArray(), Enumerable.Repeat(double.NegativeInfinity, units).ToArray());
        for (int i = 0; i < values.Length; i++)
        {
            int u = i / stride % dims[axis] / block;
            (min[u], max[u]) = (Math.Min(min[u], values[i]), Math.Max(max[u], values[i]));
        }
        return Enumerable.Range(0, units).Select(u => Bounds.Of(min[u], max[u])).ToArray();
    }

    void Add(string tensor, Member member, Bounds initial)
    {
        members[tensor] = member;
        bounds[tensor] = Enumerable.Repeat(initial, member.Group.Units).ToArray();
    }

    int Units(string tensor) => shapes[tensor] is { Length: >= 2 } s ? s[1] : 1;
}
