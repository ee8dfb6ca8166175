using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using QSparse.Tests.Docs;

namespace QSparse.Tests.Packaging;

/// <summary>
/// The libraries as packages: `dotnet pack` writes Kernels, Scheduling and Nn (as this test's build built them,
/// --no-build) into a temporary artifacts/packages, and docs/sample-consumer, copied beside it as it lies in the
/// repository, restores QSparse.Nn from there through its NuGet.config, builds and trains. Slow (category "Slow"):
/// three packs, a restore and a build of the sample, 16-35 s measured on 2 shared cores.
/// </summary>
[Category("Slow")]
public partial class PackageConsumerTests
{
    static readonly string[] Libraries = ["QSparse.Kernels", "QSparse.Scheduling", "QSparse.Nn"];

    [Test]
    public void SampleConsumerTrainsOnThePackedLibraries()
    {
        if (!HasSdk())
            Assert.Ignore("no .NET SDK here (`dotnet --list-sdks` lists none, as on the GPU machine's carried runtime): nothing can be packed or built");
        var root = Directory.CreateTempSubdirectory("qsparse-packages-").FullName;
        try
        {
            var packages = Path.Combine(root, "artifacts", "packages");
            foreach (var library in Libraries)
                Dotnet(root, null, "pack", Path.Combine(DocSource.RepoRoot, library["QSparse.".Length..], library + ".csproj"),
                    "-c", Configuration, "--no-build", "-o", packages);
            string version = (string)Find(Nuspec(packages, "QSparse.Nn"), "version").Single();
            foreach (var library in Libraries)
                AssertPackage(packages, library, version);
            AssertDependsOnLibraries(Nuspec(packages, "QSparse.Nn"), version);

            var sample = Path.Combine(root, "docs", "sample-consumer");
            CopySample(sample, version);
            // NOTE: a private packages folder, so the global one never caches this test's QSparse.* packages under a
            // version a later pack reuses.
            var output = Dotnet(sample, Path.Combine(root, "nuget-packages"), "run", "--project", sample);
            TestContext.Out.WriteLine(output);

            var losses = LossLine().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.That(losses, Has.Count.EqualTo(12), output);
            Assert.That(losses, Has.All.Matches<double>(double.IsFinite), output);
            Assert.That(losses[^1], Is.LessThan(losses[0] / 4), output);
            Assert.That(output, Does.Contain("[Quantize @ qin] decimal = ").And.Contain("[Prune @ conv.prune] [Step 10] active 0.51"), output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Whether a `dotnet` on the PATH has an SDK (a runtime alone cannot pack or build).</summary>
    static bool HasSdk()
    {
        try
        {
            var (exit, output, _) = Processes.Run("dotnet", "--list-sdks");
            return exit == 0 && output.Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The configuration this test assembly was built in: its build also built the libraries it packs.</summary>
    static string Configuration => typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The metadata element of <paramref name="id"/>'s .nuspec, read from its one .nupkg in <paramref name="packages"/>.</summary>
    static XElement Nuspec(string packages, string id)
    {
        using var zip = ZipFile.OpenRead(Directory.GetFiles(packages, id + ".*.nupkg").Single());
        using var stream = zip.GetEntry(id + ".nuspec")!.Open();
        var package = XDocument.Load(stream).Root!;
        return package.Element(package.Name.Namespace + "metadata")!;
    }

    /// <summary>
    /// The elements named <paramref name="name"/> under <paramref name="metadata"/>.
    /// NOTE: NuGet writes the oldest nuspec schema (its XML namespace) that holds what the package uses.
    /// </summary>
    static IEnumerable<XElement> Find(XElement metadata, string name) => metadata.Descendants(metadata.Name.Namespace + name);

    /// <summary>The package holds the assembly, its IntelliSense XML and the README; the symbols package its pdb.</summary>
    static void AssertPackage(string packages, string id, string version)
    {
        using var package = ZipFile.OpenRead(Path.Combine(packages, $"{id}.{version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Is.SupersetOf(new[] { $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml", "README.md" }), id);
        using var docs = package.GetEntry($"lib/net10.0/{id}.xml")!.Open();
        var members = XDocument.Load(docs).Descendants("member").Select(m => (string)m.Attribute("name")!).ToList();
        Assert.That(members, Has.Some.StartsWith($"T:{id}."), id);

        var nuspec = Nuspec(packages, id);
        Assert.That(Find(nuspec, "readme").Select(e => e.Value), Is.EqualTo(new[] { "README.md" }), id);
        Assert.That(Find(nuspec, "description").Select(e => e.Value), Has.One.StartsWith("QSparse.Gpu"), id);

        using var symbols = ZipFile.OpenRead(Path.Combine(packages, $"{id}.{version}.snupkg"));
        Assert.That(symbols.Entries.Select(e => e.FullName), Does.Contain($"lib/net10.0/{id}.pdb"), id);
    }

    /// <summary>Nn's project references became dependencies on the Kernels and Scheduling packages of its own version.</summary>
    static void AssertDependsOnLibraries(XElement nn, string version)
    {
        var dependencies = Find(nn, "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
        Assert.That(dependencies, Does.ContainKey("QSparse.Kernels").WithValue(version));
        Assert.That(dependencies, Does.ContainKey("QSparse.Scheduling").WithValue(version));
    }

    /// <summary>Copies docs/sample-consumer (its files, not what a build left there) to <paramref name="target"/>.</summary>
    static void CopySample(string target, string version)
    {
        var source = Path.Combine(DocSource.RepoRoot, "docs", "sample-consumer");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        var reference = XDocument.Load(Path.Combine(source, "SampleConsumer.csproj")).Descendants("PackageReference").Single();
        Assert.That((string)reference.Attribute("Include")!, Is.EqualTo("QSparse.Nn"));
        Assert.That((string)reference.Attribute("Version")!, Is.EqualTo(version), "docs/sample-consumer references the version packed");
    }

    /// <summary>
    /// Runs the dotnet CLI in <paramref name="folder"/> (restoring into <paramref name="nugetPackages"/> where given),
    /// asserts it succeeded and returns its standard output.
    /// </summary>
    static string Dotnet(string folder, string? nugetPackages, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        // NOTE: build servers (MSBuild nodes, the compiler server) would outlive the command holding its output pipes
        // open, and the read would never end.
        info.ArgumentList.Add("--disable-build-servers");
        // NOTE: under `dotnet test` the MSBuild variables of the test's own build are set; a child build finds its SDK afresh.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        if (nugetPackages != null)
            info.Environment["NUGET_PACKAGES"] = nugetPackages;
        var (exit, output, error) = Processes.Run(info);
        Assert.That(exit, Is.Zero, $"dotnet {string.Join(' ', info.ArgumentList)}:\n{output}\n{error}");
        return output;
    }

    [GeneratedRegex(@"^step \d+: loss (\S+)$", RegexOptions.Multiline)]
    private static partial Regex LossLine();
}
