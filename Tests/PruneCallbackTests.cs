using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The prune callbacks: unstructured and structured masks against prune_callbacks.json (every
/// parameter from the JSON, masks exact), and the uniform callback's contract.
/// </summary>
public class PruneCallbackTests(string kind) : DeviceTest(kind)
{
    static JsonArray Cases => Golden.Json("prune_callbacks.json")["cases"]!.AsArray();

    public static IEnumerable<int> GoldenCases() => Enumerable.Range(0, Cases.Count);

    [TestCaseSource(nameof(GoldenCases))]
    public void MatchesReference(int index)
    {
        var c = Cases[index]!;
        var window = c["window"]!.AsArray().Select(t => JsonTensor.ToDevice(Device, t!)).ToArray();
        IPruneCallback callback = (string)c["kind"]! switch
        {
            "unstructured" => new UnstructuredPruneCallback(),
            "structured" => c["prunable"] is JsonArray dims
                ? new StructuredPruneCallback(dims.Select(d => (int)d!).ToArray())
                : new StructuredPruneCallback(),
            var other => throw new InvalidOperationException($"unknown callback kind {other}"),
        };
        var mask = callback.ComputeMask(window, (float)(double)c["sparsity"]!, null);
        Assert.That(mask.DType, Is.EqualTo(DType.Bool));
        Assert.That(mask.Shape, Is.EqualTo(JsonTensor.Shape(c["mask"]!)), $"case {index} shape");
        Assert.That(mask.ToArray<bool>(), Is.EqualTo(JsonTensor.Bools(c["mask"]!)), $"case {index} mask");
    }

    [Test]
    public void UnstructuredTakesTheMagnitudeItself()
    {
        // |x| = [5, 1, 2, 4, 3, 6]: threshold sorted |x|[trunc(0.5·6 - 1)] = 3; on raw x it would be -2.
        var x = Tensor.FromArray(Device, new[] { -5f, 1, -2, 4, 3, -6 }, 2, 3);
        var mask = new UnstructuredPruneCallback().ComputeMask([x], 0.5f, null);
        Assert.That(mask.ToArray<bool>(), Is.EqualTo(new[] { true, false, false, true, true, true }));
        var y = Tensor.FromArray(Device, new[] { 1f, -1, 0, 0, -9, 0 }, 2, 3);
        // Window mean of |x|: [3, 1, 1, 2, 6, 3]; threshold sorted[2] = 2.
        Assert.That(new UnstructuredPruneCallback().ComputeMask([x, y], 0.5f, null).ToArray<bool>(),
            Is.EqualTo(new[] { true, false, false, true, true, true }));
    }

    [Test]
    public void SparsityZeroIsAllTrue()
    {
        var w = Tensor.Rand(Device, [4, 3, 2], new Generator(3));
        var unstructured = new UnstructuredPruneCallback().ComputeMask([w], 0, null);
        Assert.That(unstructured.ToArray<bool>(), Is.All.True);
        Assert.That(unstructured.Shape, Is.EqualTo(new[] { 4, 3, 2 }));
        var structured = new StructuredPruneCallback().ComputeMask([w], 0, null);
        Assert.That(structured.Shape, Is.EqualTo(new[] { 4, 1, 1 }));
        Assert.That(structured.ToArray<bool>(), Is.All.True);
    }

    [Test]
    public void UniformSwitchesOffExactlyAndNeverBackOn()
    {
        var w = Tensor.Rand(Device, [37, 29], new Generator(5));
        var callback = new UnstructuredUniformPruneCallback(new Generator(11));
        int numel = w.Numel;
        var first = callback.ComputeMask([w], 0.3f, null);
        int offFirst = first.ToArray<bool>().Count(b => !b);
        Assert.That(offFirst, Is.EqualTo((int)(0.3f * (double)numel)));

        var second = callback.ComputeMask([w], 0.75f, first);
        var a = first.ToArray<bool>();
        var b = second.ToArray<bool>();
        Assert.That(b.Count(v => !v) - offFirst, Is.EqualTo((int)((0.75f - (double)offFirst / numel) * numel)));
        for (int i = 0; i < numel; i++)
            Assert.That(!a[i] && b[i], Is.False, $"entry {i} was switched back on");
        Assert.That(first.ToArray<bool>(), Is.EqualTo(a), "the current mask is not modified");

        var ex = Assert.Throws<ArgumentException>(() => callback.ComputeMask([w], 0.5f, second));
        Assert.That(ex!.ParamName, Is.EqualTo("sparsity"));
    }

    [Test]
    public void UniformDependsOnTheGenerator()
    {
        var w = Tensor.Rand(Device, [1000], new Generator(5));
        var m1 = new UnstructuredUniformPruneCallback(new Generator(1)).ComputeMask([w], 0.5f, null).ToArray<bool>();
        var m2 = new UnstructuredUniformPruneCallback(new Generator(1)).ComputeMask([w], 0.5f, null).ToArray<bool>();
        var m3 = new UnstructuredUniformPruneCallback(new Generator(2)).ComputeMask([w], 0.5f, null).ToArray<bool>();
        Assert.That(m1, Is.EqualTo(m2));
        Assert.That(m1, Is.Not.EqualTo(m3));
    }

    [Test]
    public void BadInputsNameTheParameter()
    {
        var w = Tensor.Rand(Device, [4, 3], new Generator(3));
        var v = Tensor.Rand(Device, [3, 4], new Generator(3));
        Assert.That(Assert.Throws<ArgumentException>(() => new UnstructuredPruneCallback().ComputeMask([w], 1.5f, null))!.ParamName,
            Is.EqualTo("sparsity"));
        Assert.That(Assert.Throws<ArgumentException>(() => new UnstructuredPruneCallback().ComputeMask([], 0.5f, null))!.ParamName,
            Is.EqualTo("window"));
        Assert.That(Assert.Throws<ArgumentException>(() => new UnstructuredPruneCallback().ComputeMask([w, v], 0.5f, null))!.ParamName,
            Is.EqualTo("window"));
        Assert.That(Assert.Throws<ArgumentException>(() => new StructuredPruneCallback(2).ComputeMask([w], 0.5f, null))!.ParamName,
            Is.EqualTo("PrunableDims"));
    }
}
