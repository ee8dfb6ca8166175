using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// An ONNX graph under construction: each node's one output tensor is named like the node (after the module path
/// that made it, "conv1/ConvInteger"), so a graph read as text says where every value comes from; constants are
/// initializers named the same way.
/// </summary>
sealed class OnnxGraph
{
    readonly HashSet<string> names = [];

    public GraphProto Proto { get; } = new() { Name = "qsparse" };

    /// <summary>Adds a node of <paramref name="op"/> named <paramref name="name"/> (made unique) and returns its output's name.</summary>
    public string Node(string op, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(name) };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        node.Output.Add(node.Name);
        Proto.Node.Add(node);
        return node.Name;
    }

    /// <summary>An initializer of <paramref name="type"/> (int8, int32 or int64) holding <paramref name="values"/>; returns its name.</summary>
    public string Constant(string name, DataType type, long[] dims, IReadOnlyList<long> values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)type };
        tensor.Dims.AddRange(dims);
        switch (type)
        {
            case DataType.Int8:
                tensor.RawData = ByteString.CopyFrom(values.Select(v => (byte)checked((sbyte)v)).ToArray());
                break;
            case DataType.Int32:
                tensor.Int32Data.AddRange(values.Select(v => checked((int)v)));
                break;
            case DataType.Int64:
                tensor.Int64Data.AddRange(values);
                break;
            default:
                throw new ArgumentException($"no integer constant of ONNX type {type}", nameof(type));
        }
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A scalar float32 constant (an exact power of two where the graph uses one).</summary>
    public string FloatScalar(string name, float value) => Floats(name, [], [value]);

    /// <summary>A float32 initializer of shape <paramref name="dims"/> holding <paramref name="values"/>; returns its name.</summary>
    public string Floats(string name, long[] dims, IEnumerable<float> values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A Reshape node "<paramref name="path"/>/Reshape" of <paramref name="input"/> to <paramref name="shape"/> (its batch dimension -1).</summary>
    public string Reshape(string path, string input, int[] shape)
    {
        string dims = Constant($"{path}/shape", DataType.Int64, [shape.Length], [-1, .. shape.Skip(1).Select(d => (long)d)]);
        return Node("Reshape", $"{path}/Reshape", [input, dims]);
    }

    /// <summary>A scalar int32 constant.</summary>
    public string Scalar(string name, long value) => Constant(name, DataType.Int32, [], [value]);

    /// <summary>A graph input or output of <paramref name="type"/> whose first dimension is the batch ("N").</summary>
    public static ValueInfoProto Value(string name, DataType type, IReadOnlyList<int> shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        for (int k = 0; k < shape.Count; k++)
            tensor.Shape.Dim.Add(k == 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = shape[k] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    string Unique(string name)
    {
        string candidate = name;
        for (int k = 2; !names.Add(candidate); k++)
            candidate = $"{name}_{k}";
        return candidate;
    }
}
