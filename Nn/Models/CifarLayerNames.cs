namespace QSparse.Nn;

/// <summary>The layer each activation operator of the CIFAR networks (<see cref="ResNet"/>, <see cref="MobileNetV2"/>) acts on, for their <c>OutputOf</c>.</summary>
internal static class CifarLayerNames
{
    /// <summary>
    /// A network's <c>OutputOf</c>: its own operators (qin on the input, p1/q1 on conv1 through bn1, q2 on the pooled
    /// features) and, for each (block, i, layer), the block's p{i} and q{i} on that layer's output.
    /// </summary>
    public static Dictionary<string, string> OutputOf(IEnumerable<(string Block, int Index, string Layer)> pairs)
    {
        var map = new Dictionary<string, string> { ["qin"] = "input (qin)", ["p1"] = "conv1", ["q1"] = "conv1", ["q2"] = "avgpool" };
        foreach (var (block, i, layer) in pairs)
            map[$"{block}.p{i}"] = map[$"{block}.q{i}"] = layer;
        return map;
    }
}
