using System.Text.RegularExpressions;

namespace QSparse.Tests;

/// <summary>
/// One short <c>qsparse train</c> per model of Nn/Models on generated data (IDX, CIFAR batches, PNG folders), quantized from
/// step 2 (weights) and 3 (activations, window 1) with E = 1, then eval (the same numbers), inspect (the model and the
/// decimals), verify-int (what it cannot replay, and why) and export --format onnx-int (the file, or why not) on the
/// checkpoint it wrote.
/// </summary>
public class ModelCommandLineTests
{
    static string Data(string kind) => kind switch
    {
        "idx" => SyntheticIdx.Folder(2, 2),
        "cifar" => GeneratedData.Cifar(1, 2),
        "png" => GeneratedData.Images(2, 2, 27, 27),
        _ => GeneratedData.Images(2, 2, 32, 64),
    };

    const string LeakyRelu = "error: verify-int cannot replay LeakyReLU at 'netG.model.model.4.model.0' in integers: its negative slope 0.2 is not a power of two, so x·0.2 is not a fixed-point value; Conv2d at 'netG.model.model.4.model.1' needs its output in integers";

    static string ResidualAdd(string add, string batchNorm) =>
        $"error: verify-int cannot replay op Add after '{add}' in integers: operand 1 is the float output of BatchNorm2d at '{batchNorm}' (not folded into the layer before it: FuseBn, --fuse-bn)";

    const string Exact = "integer replay matches the float pipeline exactly";

    /// <summary>
    /// What verify-int says of each run: ResNet and MobileNetV2 folded by --fuse-bn replay exactly (residual adds included);
    /// the others cannot, and each says why in one line.
    /// </summary>
    static string Verdict(string model) => model switch
    {
        "resnet20" or "resnet18" => ResidualAdd("layer1.0.shortcut", "layer1.0.bn2"),
        "mobilenetv2" => ResidualAdd("layers.0.shortcut.1", "layers.0.bn3"),
        "resnet20 --fuse-bn" or "mobilenetv2 --fuse-bn" => Exact,
        "pix2pix" => LeakyRelu,
        _ => "error: verify-int cannot replay Conv2d at 'first_part.0' in integers: its bias is not quantized (bias_bits)",
    };

    static string UnfoldedBatchNorm(string batchNorm, string quantizer) =>
        $"error: onnx-int export cannot write BatchNorm2d at '{batchNorm}' in integers: it is not folded into the layer before it (FuseBn, --fuse-bn); QuantizeLayer at '{quantizer}' needs its output in integers";

    /// <summary>What onnx-int export says of each run: null where it writes the file (the networks verify-int replays exactly), else its one-line error.</summary>
    static string? ExportVerdict(string model) => model switch
    {
        "resnet20 --fuse-bn" or "mobilenetv2 --fuse-bn" => null,
        "resnet20" or "resnet18" or "mobilenetv2" => UnfoldedBatchNorm("bn1", "q1"),
        "pix2pix" => UnfoldedBatchNorm("netG.model.model.2", "netG.model.model.3"),
        _ => "error: onnx-int export cannot write Conv2d at 'first_part.0' in integers: its bias is not quantized (bias_bits)",
    };

    [TestCase("resnet20", "idx", "accuracy=", "model resnet20 (classification)")]
    [TestCase("resnet20 --fuse-bn", "idx", "accuracy=", "model resnet20 (classification)")]
    [TestCase("mobilenetv2 --fuse-bn", "cifar", "accuracy=", "model mobilenetv2 (classification)")]
    [TestCase("resnet18", "cifar", "accuracy=", "model resnet18 (classification)")]
    [TestCase("mobilenetv2", "cifar", "accuracy=", "model mobilenetv2 (classification)")]
    [TestCase("espcn", "idx", "psnr=", "model espcn (super-resolution x2)")]
    [TestCase("espcn --scale 3", "png", "psnr=", "model espcn (super-resolution x3)")]
    [TestCase("pix2pix", "idx", "psnr=", "model pix2pix (pix2pix)")]
    [TestCase("pix2pix", "pairs", "psnr=", "model pix2pix (pix2pix)")]
    public void TrainThenEvalInspectAndVerifyInt(string model, string data, string metric, string described)
    {
        var folder = Data(data);
        var checkpoint = Path.Combine(Directory.CreateTempSubdirectory("qsparse-model-").FullName, "run.safetensors");
        var (code, train) = ProgramRun.Run(["train", "--model", .. model.Split(' '), "--data", folder, "--device", "cpu", "--mode", "quantize", "--window", "1",
            "--limit-train", "2", "--batch-size", "2", "--epochs", "4", "--save", checkpoint]);
        Assert.That(code, Is.EqualTo(0), string.Join("\n", train));
        Assert.That(train, Has.Some.Matches(@"^epoch 4/4: lr \S+ .* \(2 images\)$"));
        var result = train[^1];
        Assert.That(result, Does.StartWith($"result: {metric}").And.Match(@" seconds=\d+\.\d$"));
        Assert.That(File.Exists(checkpoint) && File.Exists(Path.ChangeExtension(checkpoint, ".png")), Is.True);

        var (evalCode, eval) = ProgramRun.Run("eval", "--checkpoint", checkpoint, "--data", folder, "--device", "cpu");
        Assert.That(evalCode, Is.EqualTo(0), string.Join("\n", eval));
        Assert.That(Numbers(eval[^1]), Is.EqualTo(Numbers(result)), "eval of the checkpoint repeats the final evaluation");

        var (inspectCode, inspect) = ProgramRun.Run("inspect", "--checkpoint", checkpoint);
        Assert.That((inspectCode, inspect[0]), Is.EqualTo((0, $"{checkpoint}: {described}, mode quantize, E = 1")));
        Assert.That(inspect, Has.Some.EqualTo("extra.step = 4").And.Some.Matches(@": decimal = \[\d"));
        if (model.EndsWith("--fuse-bn"))
            Assert.That(inspect, Has.None.StartsWith("bn1.").And.Some.StartsWith("conv1.bias ").And.Some.StartsWith("conv1.quantize_bias.decimal "),
                "BatchNorm folded at step 2, conv1 given a bias, quantized");

        var (verifyCode, verify) = ProgramRun.Run("verify-int", "--checkpoint", checkpoint, "--data", folder, "--device", "cpu", "--images", "2");
        Assert.That(verify[0], Does.StartWith($"{checkpoint}: 2 test images replayed in integer arithmetic"), string.Join("\n", verify));
        Assert.That((verifyCode, verify[^1]), Is.EqualTo((Verdict(model) == Exact ? 0 : 1, Verdict(model))), string.Join("\n", verify));

        var onnx = Path.ChangeExtension(checkpoint, ".onnx");
        var (exportCode, export) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "onnx-int", "--out", onnx, "--data", folder, "--device", "cpu");
        if (ExportVerdict(model) is { } refused)
            Assert.That((exportCode, export[^1], File.Exists(onnx)), Is.EqualTo((1, refused, false)), string.Join("\n", export));
        else
        {
            Assert.That(exportCode, Is.Zero, string.Join("\n", export));
            Assert.That(export[0], Does.Match($@"^{Regex.Escape(onnx)}: onnx-int, {new FileInfo(onnx).Length} bytes, \d+ nodes, \d+ initializers, opset 17$"));
        }
    }

    static string[] Numbers(string resultLine) => [.. Regex.Matches(resultLine, @"[a-z_]+=[\d.]+").Select(m => m.Value).Where(m => !m.StartsWith("seconds"))];
}
