using System.Text.Json.Nodes;
using System.Reflection;

namespace QSparse.Tests.LayerCases;

/// <summary>
/// Golden/layer_cases against PyTorch 1.13: the layers, losses, optimizers and LR schedules of QSPARSE's example
/// networks. Each family's cases are in a file of this partial class (LayerCaseGoldenTests.&lt;Family&gt;.cs),
/// one test per kind reading every parameter from the JSON, so a new case of a known kind needs no code.
/// </summary>
public partial class LayerCaseGoldenTests(string kind) : DeviceTest(kind)
{
    static readonly GoldenCases Cases = GoldenCases.Layer;

    /// <summary>The names of the cases whose kind is one of <paramref name="kinds"/>.</summary>
    public static IEnumerable<string> CasesOf(string[] kinds) => Cases.Names(kinds);

    /// <summary>The "params" of case <paramref name="name"/>: how to build it.</summary>
    static JsonNode Params(string name) => Cases.Case(name)["params"]!;

    /// <summary>
    /// Kinds of layer_cases no test runs yet (none today). NOTE: the list must be exact: a kind that gets
    /// its test must leave it, so <see cref="EveryKindIsTestedOrPending"/> fails both ways.
    /// </summary>
    static readonly string[] Pending = [];

    /// <summary>The kinds the tests of this class run: the arguments of their [TestCaseSource(nameof(CasesOf), ...)].</summary>
    static IEnumerable<string> TestedKinds() =>
        typeof(LayerCaseGoldenTests).GetMethods()
            .SelectMany(m => m.GetCustomAttributes<TestCaseSourceAttribute>())
            .Where(a => a.SourceName == nameof(CasesOf))
            .SelectMany(a => (string[])a.MethodParams![0]!);

    [Test]
    public void EveryKindIsTestedOrPending()
    {
        var tested = TestedKinds().ToHashSet();
        Assert.That(tested.Intersect(Pending), Is.Empty, "tested kinds still listed as pending");
        Assert.That(Cases.Kinds.Except(tested).Except(Pending), Is.Empty, "kinds neither tested nor pending");
        Assert.That(Pending.Except(Cases.Kinds), Is.Empty, "pending kinds that are not in the file");
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "LeakyReLU" }])]
    public void LeakyReLU(string name) =>
        Cases.CheckLayer(Device, new Nn.LeakyReLU((double)Cases.Case(name)["params"]!["negative_slope"]!, Device), name);
}
