namespace QSparse.Tests.LayerCases;

/// <summary>The activation family of layer_cases: Tanh, Sigmoid, ReLU6, Hardtanh, SiLU, GELU.</summary>
public partial class LayerCaseGoldenTests
{
    [TestCaseSource(nameof(CasesOf), [new[] { "Tanh" }])]
    public void Tanh(string name) => Cases.CheckLayer(Device, new Nn.Tanh(Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "Sigmoid" }])]
    public void Sigmoid(string name) => Cases.CheckLayer(Device, new Nn.Sigmoid(Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "ReLU6" }])]
    public void ReLU6(string name) => Cases.CheckLayer(Device, new Nn.ReLU6(Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "Hardtanh" }])]
    public void Hardtanh(string name)
    {
        var p = Cases.Case(name)["params"]!;
        Cases.CheckLayer(Device, new Nn.Hardtanh((double)p["min_val"]!, (double)p["max_val"]!, Device), name);
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "SiLU" }])]
    public void SiLU(string name) => Cases.CheckLayer(Device, new Nn.SiLU(Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "GELU" }])]
    public void GELU(string name) =>
        Cases.CheckLayer(Device, new Nn.GELU((string)Cases.Case(name)["params"]!["approximate"]!, Device), name);
}
