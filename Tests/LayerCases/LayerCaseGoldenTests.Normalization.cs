namespace QSparse.Tests.LayerCases;

/// <summary>layer_cases' normalisation layers: InstanceNorm2d (plain and affine) and GroupNorm, built from each case's parameters.</summary>
public partial class LayerCaseGoldenTests
{
    [TestCaseSource(nameof(CasesOf), [new[] { "InstanceNorm2d" }])]
    public void InstanceNorm2d(string name)
    {
        var p = Cases.Case(name)["params"]!;
        var layer = new Nn.InstanceNorm2d((int)p["features"]!, (double)p["eps"]!, (double)p["momentum"]!, (bool)p["affine"]!,
            (bool)p["track_running_stats"]!, Device);
        Cases.CheckLayer(Device, layer, name);
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "GroupNorm" }])]
    public void GroupNorm(string name)
    {
        var p = Cases.Case(name)["params"]!;
        Cases.CheckLayer(Device, new Nn.GroupNorm((int)p["groups"]!, (int)p["channels"]!, (double)p["eps"]!, (bool)p["affine"]!, Device), name);
    }
}
