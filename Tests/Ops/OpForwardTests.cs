namespace QSparse.Tests.Ops;

/// <summary>Every row's forward on every device against its float64 host reference (or, without one, its output property).</summary>
public class OpForwardTests(string kind) : DeviceTest(kind)
{
    public static IEnumerable<TestCaseData> Cases() => OpTable.Cases(c => c.Reference != null || c.Property != null);

    [TestCaseSource(nameof(Cases))]
    public void Forward(string name)
    {
        var c = OpTable.Get(name);
        var inputs = OpRunner.Inputs(c);
        var result = OpRunner.Run(c, Device, inputs, backward: false);
        if (c.Reference is { } reference)
        {
            var expected = reference(inputs);
            OpAssert.SameShape(result.Shape, expected.Shape, $"{name}: forward");
            OpAssert.Close(result.Output, expected.Data, c.Forward, c.Scale, $"{name}: forward");
        }
        if (c.Property?.Invoke(inputs, result.Output) is { } failure)
            Assert.Fail($"{name}: forward: {failure}");
    }
}
