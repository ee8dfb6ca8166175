using Onnx;

namespace QSparse.Host.Export;

/// <summary>
/// The static shape (batch 1) of every tensor of an onnx-int graph (<see cref="OnnxIntExport"/>): its input, its
/// initializers and each node's output, for the ops that export writes. What thinning needs to follow channels and
/// to count multiply-accumulates.
/// </summary>
static class GraphShapes
{
    /// <summary>Each tensor's shape by name; an op with no rule here is an error naming the node.</summary>
    public static Dictionary<string, int[]> Of(GraphProto graph)
    {
        var shapes = graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.Select(d => (int)d).ToArray());
        foreach (var input in graph.Input)
            shapes[input.Name] = CTranslation.Dims(input);
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        foreach (var node in graph.Node)
            shapes[node.Output[0]] = Output(node, node.Input.Select(i => shapes[i]).ToArray(), initializers);
        return shapes;
    }

    static int[] Output(NodeProto node, int[][] inputs, Dictionary<string, TensorProto> initializers)
    {
        var x = inputs[0];
        switch (node.OpType)
        {
            case "ConvInteger":
            {
                var w = inputs[1];
                var (h, wd) = CTranslation.OutputSize(x[2], x[3], w[2..], Ints(node, "strides", 1), Ints(node, "dilations", 1), Ints(node, "pads", 0));
                return [x[0], w[0], h, wd];
            }
            case "MaxPool" or "AveragePool":
            {
                var (h, w) = CTranslation.OutputSize(x[2], x[3], CTranslation.Ints(node, "kernel_shape", []), Ints(node, "strides", 1), Ints(node, "dilations", 1), Ints(node, "pads", 0));
                return [x[0], x[1], h, w];
            }
            case "MatMulInteger":
                return [x[0], inputs[1][1]];
            case "Add" or "Sub" or "Mul" or "Div" or "Clip":
                return inputs.Take(node.OpType == "Clip" ? 1 : 2).Aggregate(Broadcast);
            case "Relu" or "Cast":
                return x;
            case "ReduceSum":
            {
                var axes = CTranslation.Longs(initializers[node.Input[1]]).Select(a => (int)(a < 0 ? a + x.Length : a)).ToHashSet();
                bool keep = CTranslation.Attribute(node, "keepdims", 1) != 0;
                return x.Select((d, k) => axes.Contains(k) ? keep ? 1 : -1 : d).Where(d => d >= 0).ToArray();
            }
            case "Reshape":
            {
                var dims = CTranslation.Longs(initializers[node.Input[1]]).Select((d, k) => d == 0 ? x[k] : (int)d).ToArray();
                int known = dims.Where(d => d != -1).Aggregate(1, (a, b) => a * b);
                return dims.Select(d => d == -1 ? x.Aggregate(1, (a, b) => a * b) / known : d).ToArray();
            }
            default:
                throw new InvalidOperationException($"thinning cannot follow node '{node.Name}' ({node.OpType}): no shape rule for this op");
        }
    }

    /// <summary>ONNX (numpy) broadcasting: the shapes aligned at their ends, each dimension the larger.</summary>
    static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        return Enumerable.Range(0, rank).Select(d => Math.Max(CTranslation.Dim(a, d, rank), CTranslation.Dim(b, d, rank))).ToArray();
    }

    static int[] Ints(NodeProto node, string name, int fill) => CTranslation.Ints(node, name, [fill, fill, fill, fill]);
}
