using System.Text.RegularExpressions;

namespace QSparse.Tests;

/// <summary>
/// The <c>qsparse</c> program end to end on a generated MNIST-style folder: train writes a checkpoint and a plot and ends
/// with its result line; eval of the checkpoint repeats the final numbers; inspect names the model; verify-int proves
/// the quantized network in integers.
/// </summary>
public class CommandLineTests
{
    [Test]
    public void TrainThenEvalInspectAndVerifyIntTheSeedNetwork()
    {
        var data = SyntheticIdx.Folder(8, 6);
        var folder = Directory.CreateTempSubdirectory("qsparse-cli-").FullName;
        var checkpoint = Path.Combine(folder, "seed.safetensors");
        // E = 2 steps: weights quantized at step 4, activations at 6 (window 2), masks at 10, 12, 14; BatchNorm folded at step 4.
        var (code, train) = ProgramRun.Run("train", "--data", data, "--device", "cpu", "--limit-train", "8", "--batch-size", "4", "--epochs", "8",
            "--window", "2", "--limit-test", "4", "--save", checkpoint);
        Assert.That(code, Is.EqualTo(0), string.Join("\n", train));
        Assert.That(train, Has.Some.EqualTo("mode: quantize+prune, prune both, quantize-first, window 2, BatchNorm folded; 8 epochs of 2 steps (E), batch 4"));
        Assert.That(train, Has.Some.Matches(@"^epoch 8/8: lr 0\.6634 test loss \d+\.\d{4} accuracy \d\.\d{4} \(6 images\)$"));
        Assert.That(File.Exists(Path.ChangeExtension(checkpoint, ".png")), Is.True);
        var result = train[^1];
        Assert.That(result, Does.Match(@"^result: accuracy=\d\.\d{4} test_loss=\d+\.\d{4} seconds=\d+\.\d$"));

        var (evalCode, eval) = ProgramRun.Run("eval", "--checkpoint", checkpoint, "--data", data, "--device", "cpu");
        Assert.That(evalCode, Is.EqualTo(0));
        Assert.That(Numbers(eval[^1]), Is.EqualTo(Numbers(result)), "eval of the checkpoint gives the final evaluation's numbers");

        var (inspectCode, inspect) = ProgramRun.Run("inspect", "--checkpoint", checkpoint);
        Assert.That(inspectCode, Is.EqualTo(0));
        Assert.That(inspect[0], Is.EqualTo($"{checkpoint}: model mnist (classification), mode quantize+prune, E = 2"));
        Assert.That(inspect, Has.Some.EqualTo("extra.config.model = 0").And.Some.EqualTo("extra.step = 16"));

        var (verifyCode, verify) = ProgramRun.Run("verify-int", "--checkpoint", checkpoint, "--data", data, "--device", "cpu", "--images", "3");
        Assert.That(verify[0], Is.EqualTo($"{checkpoint}: 3 test images replayed in integer arithmetic"));
        Assert.That(verify.Skip(2).Select(l => l.Split(' ')[0]).Where(l => l.Length > 0).Take(5), Is.EqualTo(new[] { "qin", "conv1", "conv2", "fc1", "fc2" }));
        Assert.That((verifyCode, verify[^1]), Is.EqualTo((0, "integer replay matches the float pipeline exactly")));
    }

    [Test]
    public void AModelTrainedForAnotherTaskIsAOneLineError()
    {
        var (code, lines) = ProgramRun.Run("train", "--model", "espcn", "--task", "classification");
        Assert.That((code, lines), Is.EqualTo((1, new[] { "error: --model espcn is trained for --task super-resolution, not classification" })));
        Assert.That(ProgramRun.Run("train", "--model", "mnist", "--scale", "3"), Is.EqualTo((1, new[] { "error: --scale 3: expected 2 or 3, for --model espcn" })));
    }

    static string[] Numbers(string resultLine) =>
        Regex.Matches(resultLine, @"(accuracy|test_loss)=([\d.]+)").Select(m => m.Value).ToArray();
}
