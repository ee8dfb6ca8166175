// doc:begin usings
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;
// doc:end usings

namespace QSparse.Tests.Docs;

/// <summary>Runs every example of docs/advanced-usage.md and checks that it prints what the document shows.</summary>
public class AdvancedUsageDocTests(string kind) : DeviceTest(kind)
{
    const string Doc = "advanced-usage.md";

    void Expect(ConsoleCapture console, string name) => DocSource.AssertPrints(console.Take(), Doc, name, Kind);

    [Test]
    public void ChannelwiseQuantization()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin channelwise
        var tensor = Tensor.Rand(device, [10, 20, 30], new Generator(0));
        void PrintDecimalShape(QuantizeLayer layer)
        {
            layer.Forward(tensor);
            Console.WriteLine($"[{string.Join(", ", layer.Decimal.Shape)}]");
        }

        PrintDecimalShape(Quantize(bits: 8, device: device));
        PrintDecimalShape(Quantize(bits: 8, channelwise: 2, device: device));  // quantize along dimension 2
        PrintDecimalShape(Quantize(bits: 8, channelwise: -1, device: device)); // disable channel-wise quantization
        // doc:end channelwise
        Expect(console, "channelwise");
    }

    [Test]
    public void BiasQuantization()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin bias
        Console.WriteLine(Quantize(new Conv2d(1, 1, 1, device: device), bits: 8, biasBits: 12));
        // doc:end bias
        Expect(console, "bias");
    }

    [Test]
    public void SaturatedQuantization()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin saturate
        // saturateRange: (q_l, q_u); the default (0, 1) applies no saturation
        Console.WriteLine(Quantize(bits: 8, device: device).SaturateRange);
        Console.WriteLine(Quantize(bits: 8, saturateRange: (0.0001, 0.9999), device: device).SaturateRange);
        // doc:end saturate
        Expect(console, "saturate");
    }

    [Test]
    public void StructuredPruning()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin structured
        var tensor = Tensor.Rand(device, [10, 20, 30, 40], new Generator(0));

        // pruning on all dimensions
        var pruneLayer = Prune(sparsity: 0.5, collapse: -1, device: device);
        pruneLayer.Forward(tensor);
        Console.WriteLine($"[{string.Join(", ", pruneLayer.Mask.Shape)}]");

        // only prune on the dimensions 0, 1
        pruneLayer = Prune(sparsity: 0.5, collapse: -1, callback: new StructuredPruneCallback(0, 1), device: device);
        pruneLayer.Forward(tensor);
        Console.WriteLine($"[{string.Join(", ", pruneLayer.Mask.Shape)}]");
        // doc:end structured
        Expect(console, "structured");
    }

    [Test]
    public void WindowSize()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin window
        Console.WriteLine(Prune(sparsity: 0.5, device: device).WindowSize);                // by default T = 1
        Console.WriteLine(Prune(sparsity: 0.5, windowSize: 10, device: device).WindowSize); // T = 10
        // doc:end window
        Expect(console, "window");
    }

    [Test]
    public void ChangingInputSizesDuringEvaluation()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin strict
        var data = Tensor.Rand(device, [1, 10, 32, 32], new Generator(0));
        var data2x = Tensor.Rand(device, [1, 10, 64, 64], new Generator(1));

        var pruneLayer = Prune(sparsity: 0.5, device: device);
        pruneLayer.Forward(data);
        pruneLayer.Eval();
        try
        {
            pruneLayer.Forward(data2x);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"Catch error as expected: {e.Message}");
        }
        // doc:end strict
        Expect(console, "strict");

        // doc:begin non-strict
        pruneLayer = Prune(sparsity: 0.5, strict: false, device: device);
        pruneLayer.Forward(data);
        pruneLayer.Eval();
        var output = pruneLayer.Forward(data2x);
        Console.WriteLine($"Able to change input shape during evaluation: [{string.Join(", ", output.Shape)}]");
        // doc:end non-strict
        Expect(console, "non-strict");
    }

    [Test]
    public void ResumingFromCheckpoint()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin resume
        Conv2d MakeConv() =>
            Quantize(Prune(new Conv2d(1, 32, 3, device: device, generator: new Generator(0)),
                    sparsity: 0.5, start: 20, interval: 2, repetition: 4),
                bits: 8, timeout: 10);

        var g = new Generator(1);
        var conv = MakeConv();
        for (int i = 0; i < 29; i++)
        {
            using var scope = new TensorScope(); // frees each step's tensors at once
            conv.Forward(Tensor.Rand(device, [10, 1, 28, 28], g));
        }
        var state = conv.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));

        // No dummy forward needed: the QSPARSE slots take the checkpoint's shapes.
        var conv2 = MakeConv();
        conv2.LoadStateDict(state);

        var tensor = Tensor.Rand(device, [10, 1, 28, 28], g);
        bool same = conv.Forward(tensor).ToArray<float>().SequenceEqual(conv2.Forward(tensor).ToArray<float>());
        Console.WriteLine($"successfully loading from checkpoint: {same}");

        // A layer of another shape is still refused, naming the key and both shapes.
        try
        {
            Quantize(Prune(new Conv2d(1, 16, 3, device: device), sparsity: 0.5), bits: 8).LoadStateDict(state);
        }
        catch (InvalidDataException e)
        {
            Console.WriteLine($"Catch error as expected: {e.Message}");
        }
        // doc:end resume
        Expect(console, "resume");
    }

    [Test]
    public void LoggingInspectingAndIntegerArithmetic()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin logging
        var net = new Sequential(
            ("conv", Quantize(Prune(new Conv2d(1, 32, 3, bias: false, device: device, generator: new Generator(0)),
                    sparsity: 0.5, start: 20, interval: 2, repetition: 4),
                bits: 8, timeout: 10, channelwise: 0)),
            ("conv_output_pruning", Prune(sparsity: 0.5, start: 20, interval: 2, repetition: 4, device: device)),
            ("conv_output_quantization", Quantize(bits: 8, timeout: 10, device: device)));

        net = AutoNamePruneQuantizeLayers(net);

        var g = new Generator(1);
        for (int i = 0; i < 29; i++)
        {
            using var scope = new TensorScope();
            net.Forward(Tensor.Rand(device, [10, 1, 28, 28], g));
        }
        // doc:end logging
        Expect(console, "logging");

        // doc:begin state-dict
        var stateDict = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        foreach (var (key, value) in stateDict)
            Console.WriteLine($"{key} ({string.Join(", ", value.Shape)}{(value.Shape.Length == 1 ? "," : "")})");

        Console.WriteLine(string.Join(" ", stateDict["conv.quantize.decimal"].AsFloats()));
        // doc:end state-dict
        Expect(console, "state-dict");

        // doc:begin integer
        const int decimalIn = 7; // input decimal bits
        var rng = new Random(0);
        var inputInt = Enumerable.Range(0, 10 * 28 * 28).Select(_ => rng.Next(-128, 127)).ToArray();
        var inputFloat = Tensor.FromArray(device, inputInt.Select(v => v / MathF.Pow(2, decimalIn)).ToArray(), 10, 1, 28, 28);
        var outputFloat = net.Forward(inputFloat).ToArray<float>();

        var weight = stateDict["conv.weight"].AsFloats();
        var weightDecimal = stateDict["conv.quantize.decimal"].AsFloats();
        var weightMask = stateDict["conv.prune.mask"].AsBools();
        var outputDecimal = stateDict["conv_output_quantization.decimal"].AsFloats();
        var outputMask = stateDict["conv_output_pruning.mask"].AsBools();

        // NOTE: like the quantizer, (int) truncates toward zero.
        var weightInt = weight.Select((w, i) =>
            weightMask[i] ? Math.Clamp((int)(w * MathF.Pow(2, weightDecimal[i / 9])), -128, 127) : 0).ToArray();

        int mismatches = 0;
        for (int n = 0; n < 10; n++)
            for (int c = 0; c < 32; c++)
                for (int y = 0; y < 26; y++)
                    for (int x = 0; x < 26; x++)
                    {
                        int accumulator = 0; // high-precision int32 accumulation
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                                accumulator += inputInt[(n * 28 + y + ky) * 28 + x + kx] * weightInt[c * 9 + ky * 3 + kx];
                        // simulating bit shifting in an integer arithmetic engine
                        int shifted = (int)(accumulator / MathF.Pow(2, decimalIn + weightDecimal[c] - outputDecimal[c]));
                        int i = (c * 26 + y) * 26 + x;
                        int outputInt = outputMask[i] ? Math.Clamp(shifted, -128, 127) : 0;
                        if (outputFloat[n * 32 * 26 * 26 + i] != outputInt / MathF.Pow(2, outputDecimal[c]))
                            mismatches++;
                    }
        Console.WriteLine(mismatches == 0 ? "Fully match with integer arithmetic!" : $"{mismatches} outputs differ");
        // doc:end integer
        Expect(console, "integer");
    }

    // doc:begin callbacks
    /// <summary>A quantizer with a fixed number of fractional bits: no search, the linear rounding of the built-in one.</summary>
    sealed class FixedDecimalQuantizer(int decimals) : IQuantizeCallback
    {
        readonly LinearQuantizer linear = new();

        public Tensor Quantize(Tensor input, int bits, Tensor decimalBits, int channelIndex) =>
            linear.Quantize(input, bits, decimalBits, channelIndex);

        public Tensor SearchDecimal(IReadOnlyList<Tensor> window, int bits, int channelIndex, (int Lo, int Hi) decimalRange,
            (double Lower, double Upper) saturateRange)
        {
            int channels = channelIndex < 0 ? 1 : window[0].Shape[channelIndex];
            return Tensor.FromArray(window[0].Device, Enumerable.Repeat((float)decimals, channels).ToArray(), channels);
        }
    }

    /// <summary>The built-in unstructured pruning, reporting each mask it makes.</summary>
    sealed class ReportingPruneCallback : IPruneCallback
    {
        readonly UnstructuredPruneCallback inner = new();

        public Tensor ComputeMask(IReadOnlyList<Tensor> window, float sparsity, Tensor? currentMask)
        {
            var mask = inner.ComputeMask(window, sparsity, currentMask);
            var kept = mask.ToArray<bool>();
            Console.WriteLine($"asked for sparsity {sparsity:F2}: kept {kept.Count(k => k)} of {kept.Length}");
            return mask;
        }
    }
    // doc:end callbacks

    [Test]
    public void ExtendingWithCallbacks()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin use-callbacks
        var x = Tensor.FromArray(device, [0.3f, -0.71f, 0.052f, 0.9f], 1, 4);

        var quantizer = Quantize(bits: 4, channelwise: -1, timeout: 1, callback: new FixedDecimalQuantizer(3), device: device);
        quantizer.Forward(x);
        var quantized = quantizer.Forward(x).ToArray<float>(); // the decimal is set at step `timeout`
        Console.WriteLine($"decimal {quantizer.Decimal.Item()}: {string.Join(" ", quantized)}");

        var pruner = Prune(sparsity: 0.5, start: 1, interval: 1, repetition: 2, callback: new ReportingPruneCallback(), device: device);
        for (int step = 0; step < 3; step++)
            pruner.Forward(x);
        Console.WriteLine(string.Join(" ", pruner.Forward(x).ToArray<float>()));
        // doc:end use-callbacks
        Expect(console, "use-callbacks");
    }

    // doc:begin block-module
    /// <summary>relu(bn(conv(x)) + x): Forward calls the fields.</summary>
    sealed class ResidualBlock : Module
    {
        // Declared Module: FuseBn puts an Identity where bn was, Convert a Sequential where relu was.
        readonly Module conv, bn, relu;

        public ResidualBlock(int channels, Device device) : base(device)
        {
            conv = RegisterModule("conv", new Conv2d(channels, channels, 3, padding: 1, device: device, generator: new Generator(0)));
            bn = RegisterModule("bn", new BatchNorm2d(channels, device: device));
            relu = RegisterModule("relu", new ReLU(device));
        }

        public override Tensor Forward(Tensor x) => relu.Call(bn.Call(conv.Call(x)) + x);
    }
    // doc:end block-module

    [Test]
    public void NetworksWrittenAsModules()
    {
        using var console = new ConsoleCapture();
        var device = Device;
        // doc:begin block-rewrite
        var block = new ResidualBlock(4, device);
        var net = Convert(block, m => m is null ? Quantize(bits: 8, timeout: 2, device: device) : Quantize(m, bits: 8, timeout: 2),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)]);
        var input = Tensor.Rand(device, [2, 4, 6, 6], new Generator(1));
        using (net.GetSubmodule("relu.1").RegisterForwardHook((m, x, y) => Console.WriteLine($"{((QuantizeLayer)m).Name} ran on [{string.Join(", ", x.Shape)}]")))
            net.Call(input);

        net.Eval();
        var before = net.Call(input).ToArray<float>();
        FuseBn(net, ModelTrace.Record(net, input));
        var after = net.Call(input).ToArray<float>();
        Console.WriteLine($"bn is now {net.GetSubmodule("bn").TypeName}; outputs changed by less than 1e-5: {before.Zip(after, (a, b) => Math.Abs(a - b)).Max() < 1e-5}");
        Console.WriteLine(ModelTrace.Record(net, input));
        // doc:end block-rewrite
        Expect(console, "block-rewrite");
    }
}
