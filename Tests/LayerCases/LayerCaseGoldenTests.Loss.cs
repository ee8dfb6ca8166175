using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests.LayerCases;

/// <summary>The losses of layer_cases (loss and input gradient of loss.backward()) and the residual + concat graph.</summary>
public partial class LayerCaseGoldenTests
{
    [TestCaseSource(nameof(CasesOf), [new[] { "MSELoss" }])]
    public void MSELoss(string name) => CheckLoss(name, "input", new MSELoss(ReductionOf(name), Device));

    [TestCaseSource(nameof(CasesOf), [new[] { "L1Loss" }])]
    public void L1Loss(string name) => CheckLoss(name, "input", new L1Loss(ReductionOf(name), Device));

    [TestCaseSource(nameof(CasesOf), [new[] { "SmoothL1Loss" }])]
    public void SmoothL1Loss(string name) =>
        CheckLoss(name, "input", new SmoothL1Loss(ReductionOf(name), (double?)Params(name)["beta"] ?? 1.0, Device));

    [TestCaseSource(nameof(CasesOf), [new[] { "BCEWithLogitsLoss" }])]
    public void BCEWithLogitsLoss(string name) => CheckLoss(name, "input", new BCEWithLogitsLoss(reduction: ReductionOf(name), device: Device));

    [TestCaseSource(nameof(CasesOf), [new[] { "CrossEntropyLoss" }])]
    public void CrossEntropyLoss(string name) =>
        CheckLoss(name, "logits", new CrossEntropyLoss(
            ignoreIndex: (int?)Params(name)["ignore_index"] ?? -100,
            reduction: ReductionOf(name),
            labelSmoothing: (double?)Params(name)["label_smoothing"] ?? 0,
            device: Device));

    /// <summary>residual_cat: y = relu(cat([a + b, a·b, a], 1)).mean((2, 3)); then da, db of sum(y·g).</summary>
    [TestCaseSource(nameof(CasesOf), [new[] { "graph" }])]
    public void Graph(string name)
    {
        Assert.That((string?)Params(name)["expr"], Is.EqualTo("relu(cat([a + b, a * b, a], 1)).mean((2, 3))"), "a graph case this test does not build");
        var a = Cases.Load(Device, name, "a").RequiresGrad_();
        var b = Cases.Load(Device, name, "b").RequiresGrad_();
        var y = Tensor.Cat([a + b, a * b, a], 1).Relu().Mean([2, 3]);
        Cases.AssertMatches(y, name, "y");
        y.Backward(Cases.Load(Device, name, "g"));
        Cases.AssertMatches(a.Grad, name, "da");
        Cases.AssertMatches(b.Grad, name, "db");
    }

    static Reduction ReductionOf(string name) => Enum.Parse<Reduction>((string)Params(name)["reduction"]!, ignoreCase: true);

    /// <summary>loss = module(input, target) against "loss" (stored as [1]), then the gradient of loss.backward() against "d&lt;input&gt;".</summary>
    void CheckLoss(string name, string input, Loss loss)
    {
        var x = Cases.Load(Device, name, input).RequiresGrad_();
        var y = loss.Call(x, Cases.Load(Device, name, "target"));
        Cases.AssertMatches(y.Reshape(1), name, "loss");
        y.Backward();
        Cases.AssertMatches(x.Grad, name, $"d{input}");
    }
}
