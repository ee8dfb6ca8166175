using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests.LayerCases;

// Pooling and dropout: each module built from its case's parameters (sizes stored as [H, W] pairs).
public partial class LayerCaseGoldenTests
{
    /// <summary>A stored [H, W] pair.</summary>
    static Size2 Pair(JsonNode node) => new((int)node[0]!, (int)node[1]!);

    [TestCaseSource(nameof(CasesOf), [new[] { "AvgPool2d" }])]
    public void AvgPool2d(string name)
    {
        var p = Params(name);
        var pool = new Nn.AvgPool2d(Pair(p["kernel"]!), Pair(p["stride"]!), Pair(p["padding"]!), (bool)p["ceil_mode"]!,
            (bool)p["count_include_pad"]!, device: Device);
        Cases.CheckLayer(Device, pool, name);
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "AdaptiveAvgPool2d" }])]
    public void AdaptiveAvgPool2d(string name) =>
        Cases.CheckLayer(Device, new Nn.AdaptiveAvgPool2d(Pair(Params(name)["output_size"]!), Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "MaxPool2d" }])]
    public void MaxPool2d(string name)
    {
        var p = Params(name);
        var pool = new Nn.MaxPool2d(Pair(p["kernel"]!), Pair(p["stride"]!), Pair(p["padding"]!), Pair(p["dilation"]!),
            (bool)p["ceil_mode"]!, Device);
        Cases.CheckLayer(Device, pool, name);
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "Dropout2d" }])]
    public void Dropout2d(string name) =>
        Cases.CheckLayer(Device, new Nn.Dropout2d((double)Params(name)["p"]!, device: Device), name);
}
