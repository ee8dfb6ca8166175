using QSparse.Nn;

namespace QSparse.Tests.Docs;

/// <summary>Every C# block of the docs is the code of a marked test region, so the docs cannot drift from code that runs.</summary>
public class DocBlockTests
{
    [TestCase("advanced-usage.md")]
    [TestCase("tutorial.md")]
    [TestCase("custom-modules.md")]
    public void EveryCSharpBlockIsATestedRegion(string doc)
    {
        var regions = DocSource.Regions();
        var blocks = DocSource.Blocks(doc).Where(b => b.Language == "csharp").ToList();
        Assert.That(blocks, Is.Not.Empty);
        foreach (var (name, _, code) in blocks)
        {
            Assert.That(name, Is.Not.Null.And.StartsWith("doc: "), $"docs/{doc}: a csharp block without <!-- doc: NAME -->:\n{code}");
            string region = name!["doc: ".Length..];
            Assert.That(regions, Does.ContainKey(region), $"docs/{doc}: no test marks '// doc:begin {region}'");
            Assert.That(code, Is.EqualTo(regions[region]), $"docs/{doc}: block '{region}' differs from its test");
        }
    }

    [Test]
    public void SetupOpensADevice()
    {
        using var console = new ConsoleCapture();
        // doc:begin setup
        QSparseOptions.Set(logOnCreated: false);
        using var device = Device.Open("cpu");
        Console.WriteLine(device.Kind);
        // doc:end setup
        Assert.That(console.Take(), Is.EqualTo(DocSource.Output("advanced-usage.md", "setup")));
    }

    [Test]
    public void NormalizeDropsCommonIndentationAndSurroundingBlankLines() =>
        Assert.That(DocSource.Normalize(["", "    a  ", "      b", "", "    c", ""]), Is.EqualTo("a\n  b\n\nc"));
}
