using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>
/// What thinning removed from an onnx-int graph: each layer's channels, parameters and multiply-accumulates (one
/// input), the other constants (quantizers' divisors and bounds, activation masks, shapes), the initializers' bytes
/// and the model file's; <paramref name="Notes"/> name the layers whose channels were kept and why.
/// </summary>
public sealed record ThinningReport(IReadOnlyList<ThinnedLayer> Layers, Change OtherConstants, Change InitializerBytes, Change ModelBytes, IReadOnlyList<string> Notes)
{
    /// <summary>Every initializer element: the layers' parameters and the other constants.</summary>
    public Change Constants => Layers.Aggregate(OtherConstants, (sum, l) => sum + l.Parameters);

    /// <summary>The multiply-accumulates of the whole graph for one input.</summary>
    public Change Macs => Layers.Aggregate(new Change(0, 0), (sum, l) => sum + l.Macs);

    /// <summary>Compares <paramref name="before"/> with <paramref name="after"/>, the same graph thinned.</summary>
    public static ThinningReport Compare(ModelProto before, ModelProto after, IReadOnlyList<string> notes)
    {
        var (a, b) = (Sizes.Of(before.Graph), Sizes.Of(after.Graph));
        var layers = a.Layers.Select(l => (l.Key, l.Value, b.Layers[l.Key]))
            .Select(l => new ThinnedLayer(l.Key, new(l.Item2.Out, l.Item3.Out), new(l.Item2.In, l.Item3.In), new(l.Item2.Parameters, l.Item3.Parameters), new(l.Item2.Macs, l.Item3.Macs)))
            .ToList();
        return new ThinningReport(layers, new(a.Other, b.Other), new(a.Bytes, b.Bytes), new(before.CalculateSize(), after.CalculateSize()), notes);
    }

    /// <summary>One graph's sizes: each layer's by path (in the graph's order), the other constants' elements, the initializers' bytes.</summary>
    sealed record Sizes(Dictionary<string, (int Out, int In, long Parameters, long Macs)> Layers, long Other, long Bytes)
    {
        public static Sizes Of(GraphProto graph)
        {
            var shapes = GraphShapes.Of(graph);
            var layers = new Dictionary<string, (int Out, int In, long Parameters, long Macs)>();
            foreach (var node in graph.Node.Where(n => n.OpType is "ConvInteger" or "MatMulInteger"))
            {
                var (w, y) = (shapes[node.Input[1]], shapes[node.Output[0]]);
                long macs = w.Aggregate(1L, (p, d) => p * d) * y.Skip(2).Aggregate(1L, (p, d) => p * d);
                string path = PathOf(node.Name);
                var (_, _, _, before) = layers.GetValueOrDefault(path);
                layers[path] = (y[1], shapes[node.Input[0]][1], 0, before + macs);
            }
            long other = 0;
            foreach (var t in graph.Initializer)
            {
                long elements = t.Dims.Aggregate(1L, (p, d) => p * d);
                if (layers.TryGetValue(PathOf(t.Name), out var layer))
                    layers[PathOf(t.Name)] = layer with { Parameters = layer.Parameters + elements };
                else
                    other += elements;
            }
            return new Sizes(layers, other, graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (p, d) => p * d) * ElementBytes(t)));
        }

        /// <summary>The module path a node or constant is named after ("conv1/weight" → "conv1").</summary>
        static string PathOf(string name) => name[..Math.Max(0, name.LastIndexOf('/'))];

        static int ElementBytes(TensorProto t) => (DataType)t.DataType switch
        {
            DataType.Int8 or DataType.Uint8 => 1,
            DataType.Int64 => 8,
            _ => 4,
        };
    }
}
