using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests.Docs;

/// <summary>Runs every example of docs/custom-modules.md and checks that it prints what the document shows.</summary>
public class CustomModulesDocTests(string kind) : DeviceTest(kind)
{
    const string Doc = "custom-modules.md";

    void Expect(ConsoleCapture console, string name) => DocSource.AssertPrints(console.Take(), Doc, name, Kind);

    // doc:begin gated-mlp
    /// <summary>x + scale · fc2(act(fc1(x)) · gate): children in fields and a property, a parameter and a buffer of its own.</summary>
    sealed class GatedMlp : Module
    {
        readonly Module fc1, fc2;   // children in fields...
        Module Act { get; }         // ...or in a property: both are fields to a rewrite

        public GatedMlp(int features, int hidden, Device device, Generator g) : base(device)
        {
            Features = features;
            Hidden = hidden;
            fc1 = RegisterModule("fc1", new Linear(features, hidden, device: device, generator: g));
            Act = RegisterModule("act", new ReLU(device));
            fc2 = RegisterModule("fc2", new Linear(hidden, features, device: device, generator: g));
            RegisterParameter("gate", Tensor.Ones(device, [hidden]));         // trained
            RegisterBuffer("scale", Tensor.Full(device, [features], 0.5));    // saved, not trained
        }

        public int Features { get; }
        public int Hidden { get; }

        public override Tensor Forward(Tensor x) =>
            x + fc2.Call(Act.Call(fc1.Call(x)) * Effective("gate")!) * Slot("scale")!;

        public override string ExtraRepr() => $"features={Features}, hidden={Hidden}";
    }
    // doc:end gated-mlp

    [Test]
    public void AModuleWithChildrenParametersAndBuffers()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin gated-mlp-use
        var mlp = new GatedMlp(4, 8, device, new Generator(0));
        Console.WriteLine(mlp);
        foreach (var (key, value) in mlp.StateDict())
            Console.WriteLine($"{key} [{string.Join(", ", value.Shape)}]");

        var x = Tensor.Randn(device, [2, 4], new Generator(1));
        mlp.Call(x).Sum().Backward();
        foreach (var (name, parameter) in mlp.NamedParameters()) // the buffer is not among them
            Console.WriteLine($"{name}.Grad [{string.Join(", ", parameter.Grad!.Shape)}]");
        // doc:end gated-mlp-use
        Expect(console, "gated-mlp-use");
    }

    // doc:begin scale-layer
    /// <summary>y = x · weight along the last dimension; weight [features], QSPARSE-ready.</summary>
    class Scale : Module
    {
        public Scale(int features, Device device) : base(device) =>
            RegisterParameter("weight", Tensor.Arange(device, 1, features + 1).Affine(0.3f, 0));

        public Tensor Weight => Slot("weight")!; // the raw parameter: what the optimizer updates

        public override Tensor Forward(Tensor x) => x * Effective("weight")!;  // with its quantize/prune applied
    }

    /// <summary>The same layer reading the raw parameter: a quantizer on its weight would never run.</summary>
    sealed class ForgetfulScale(int features, Device device) : Scale(features, device)
    {
        public override Tensor Forward(Tensor x) => x * Weight;
    }
    // doc:end scale-layer

    [Test]
    public void ALayerWithItsOwnWeight()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin scale-qsparse
        var ones = Tensor.Ones(device, [1, 4]);
        var scale = Quantize(Prune(new Scale(4, device), sparsity: 0.5, start: 1, interval: 1, repetition: 1),
            bits: 4, channelwise: -1, timeout: 1);
        for (int step = 0; step < 3; step++)
            scale.Call(ones);
        Console.WriteLine($"raw weight:    {string.Join(" ", scale.Weight.ToArray<float>().Select(w => w.ToString("F2")))}");
        Console.WriteLine($"computed with: {string.Join(" ", scale.Call(ones).ToArray<float>())}");

        try
        {
            Quantize(new ForgetfulScale(4, device), bits: 4).Call(ones);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"Catch error as expected: {e.Message}");
        }
        // doc:end scale-qsparse
        Expect(console, "scale-qsparse");
    }

    // doc:begin hypot
    /// <summary>sqrt(x² + y²) element-wise, for two inputs of one shape.</summary>
    sealed class Hypot : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var (x, y) = (inputs[0], inputs[1]);
            var h = (x * x + y * y).Sqrt();
            ctx.SaveForBackward(x, y, h); // two inputs and the output
            return h;
        }

        // d h / d x = x / h, d h / d y = y / h: one gradient per input, in the inputs' order.
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut)
        {
            var (x, y, h) = (ctx.SavedTensors[0], ctx.SavedTensors[1], ctx.SavedTensors[2]);
            return [gradOut * x / h, gradOut * y / h];
        }
    }
    // doc:end hypot

    [Test]
    public void ACustomDifferentiableFunction()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin hypot-check
        float[] xs = [3, -1, 0.5f], ys = [4, 2, -0.25f];
        var x = Tensor.FromArray(device, xs, 3).RequiresGrad_();
        var y = Tensor.FromArray(device, ys, 3).RequiresGrad_();
        var h = new Hypot().Apply(x, y);
        Console.WriteLine($"hypot: {string.Join(" ", h.ToArray<float>())}");
        h.Sum().Backward();

        // Central differences of the same sum, one element at a time.
        double Loss(float[] a, float[] b) =>
            new Hypot().Apply(Tensor.FromArray(device, a, 3), Tensor.FromArray(device, b, 3)).Sum().Item();
        double Numeric(float[] values, int i, Func<float[], double> loss)
        {
            const float eps = 1e-2f;
            float[] up = [.. values], down = [.. values];
            up[i] += eps;
            down[i] -= eps;
            return (loss(up) - loss(down)) / (2 * eps);
        }
        var dx = x.Grad!.ToArray<float>();
        var dy = y.Grad!.ToArray<float>();
        double worst = Enumerable.Range(0, 3).Max(i => Math.Max(
            Math.Abs(dx[i] - Numeric(xs, i, a => Loss(a, ys))),
            Math.Abs(dy[i] - Numeric(ys, i, b => Loss(xs, b)))));
        Console.WriteLine($"dx: {string.Join(" ", dx.Select(v => v.ToString("F4")))}");
        Console.WriteLine($"dy: {string.Join(" ", dy.Select(v => v.ToString("F4")))}");
        Console.WriteLine($"matches finite differences within 1e-3: {worst < 1e-3}");
        // doc:end hypot-check
        Expect(console, "hypot-check");
    }

    [Test]
    public void ConvertingACustomNetwork()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin convert
        var net = new Sequential(("mlp", new GatedMlp(4, 8, device, new Generator(0))), ("out", new Scale(4, device)));
        Convert(net, m => m is null ? Quantize(bits: 8, channelwise: -1, timeout: 1, device: device) : Quantize(m, bits: 8, channelwise: -1, timeout: 1),
            weightLayers: [typeof(Linear), typeof(Scale)], activationLayers: [typeof(ReLU)]);
        Console.WriteLine(net);

        var x = Tensor.Randn(device, [2, 4], new Generator(1));
        net.Call(x); // training steps: with timeout 1 every quantizer finds its decimal
        Console.WriteLine($"output [{string.Join(", ", net.Call(x).Shape)}]");
        // doc:end convert
        Expect(console, "convert");

        // doc:begin inspect
        net.Eval();
        var hooks = new List<IDisposable>();
        foreach (var (path, m) in net.NamedModules())
            if (m is QuantizeLayer q)
                hooks.Add(q.RegisterForwardHook((_, input, _) =>
                    Console.WriteLine($"{path} ran on [{string.Join(", ", input.Shape)}] with decimal {q.Decimal.Item()}")));
        net.Call(x);
        hooks.ForEach(h => h.Dispose());
        Console.WriteLine(ModelTrace.Record(net, x));
        // doc:end inspect
        Expect(console, "inspect");
    }

    // doc:begin conv-bn
    /// <summary>bn(conv(x)) with the convolution in a property and the BatchNorm in a field.</summary>
    sealed class ConvBn : Module
    {
        readonly Module bn; // declared Module: FuseBn puts an Identity here

        public ConvBn(int inChannels, int outChannels, Device device) : base(device)
        {
            Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, 3, padding: 1, device: device, generator: new Generator(0)));
            bn = RegisterModule("bn", new BatchNorm2d(outChannels, device: device));
        }

        public Module Conv { get; }

        public override Tensor Forward(Tensor x) => bn.Call(Conv.Call(x));
    }

    /// <summary>The same kind of block with a field too narrow for a rewrite.</summary>
    sealed class NarrowBlock : Module
    {
        readonly ReLU relu;

        public NarrowBlock(Device device) : base(device) => relu = RegisterModule("relu", new ReLU(device));

        public override Tensor Forward(Tensor x) => relu.Call(x);
    }
    // doc:end conv-bn

    [Test]
    public void FusingAndRefusing()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin fuse
        var block = new ConvBn(2, 3, device);
        var images = Tensor.Randn(device, [4, 2, 5, 5], new Generator(1));
        block.Call(images); // training mode: the BatchNorm's running statistics move
        block.Eval();
        var before = block.Call(images).ToArray<float>();
        FuseBn(block);
        var after = block.Call(images).ToArray<float>();
        Console.WriteLine(block);
        Console.WriteLine($"keys: {string.Join(", ", block.StateDict().Select(kv => kv.Key))}");
        Console.WriteLine($"outputs changed by less than 1e-5: {before.Zip(after, (a, b) => Math.Abs(a - b)).Max() < 1e-5}");

        try
        {
            Convert(new NarrowBlock(device), m => m is null ? Quantize(bits: 8, device: device) : Quantize(m, bits: 8),
                activationLayers: [typeof(ReLU)]);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"Catch error as expected: {e.Message}");
        }
        // doc:end fuse
        Expect(console, "fuse");
    }
}
