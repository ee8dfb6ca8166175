namespace QSparse.Tests.LayerCases;

public partial class LayerCaseGoldenTests
{
    [TestCaseSource(nameof(CasesOf), [new[] { "Conv2d" }])]
    public void Conv2d(string name) => CheckConvolution(name);

    [TestCaseSource(nameof(CasesOf), [new[] { "ConvTranspose2d" }])]
    public void ConvTranspose2d(string name) => CheckConvolution(name);

    /// <summary>The case's layer built by <see cref="ConvTests.Build"/> (groups, strides, paddings from its params), checked as any layer.</summary>
    void CheckConvolution(string name)
    {
        var spec = Cases.Case(name);
        Cases.CheckLayer(Device, ConvTests.Build(Device, (string)spec["kind"]!, spec["params"]!), name);
    }
}
