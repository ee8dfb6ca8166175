using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using QSparse.Nn.Data;
using QSparse.Host.Reporting;
using QSparse.Host.Training;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse train</c>: the seed's MNIST recipe on Fashion-MNIST (or any MNIST-style folder). With no
/// arguments, the quickstart: quantize+prune of weights and features, a few minutes on two CPU cores.
/// </summary>
static class TrainCommand
{
    /// <summary>The quickstart's size: examples per epoch and epochs (the schedule unit E follows from them).</summary>
    const int QuickstartExamples = 7680, QuickstartEpochs = 10, QuickstartTestLimit = 1000;
    const double QuickstartGamma = 0.95;

    public static Command Create()
    {
        var recipe = Choice("--recipe", "quickstart (default: a few minutes on a CPU, quantize+prune) or full (the seed's 14 epochs on the whole training set)", ["quickstart", "full"]);
        var mode = Choice("--mode", "what QSPARSE does (default quantize+prune)", TrainOptions.Choices<TrainMode>());
        var prune = Choice("--prune", "what is pruned (default both)", TrainOptions.Choices<PruneTarget>());
        var order = Choice("--order", "which starts first (default quantize-first)", TrainOptions.Choices<QsparseOrder>());
        var window = new Option<int?>("--window") { Description = "window size of the activation quantizers and pruners (default 8)" };
        var epochs = new Option<int?>("--epochs") { Description = "epochs, counting those of a resumed checkpoint (quickstart 10, full 14)" };
        var batchSize = new Option<int?>("--batch-size") { Description = "examples per step (default 64)" };
        var lr = new Option<double?>("--lr") { Description = "Adadelta learning rate (default 1.0)" };
        var gamma = new Option<double?>("--gamma") { Description = "StepLR decay per epoch (full 0.7 as the seed; quickstart 0.95: its epochs are short, and the network must recover after the last pruning step)" };
        var seed = new Option<ulong?>("--seed") { Description = "seed of the initial weights, dropout and data order (default 1)" };
        var limitTrain = new Option<int?>("--limit-train") { Description = $"training examples per epoch (quickstart {QuickstartExamples}, full: all)" };
        var limitTest = new Option<int?>("--limit-test") { Description = $"test examples of the evaluations between epochs (quickstart {QuickstartTestLimit}); the last one uses all" };
        var fuseBn = new Option<bool?>("--fuse-bn") { Description = "fold BatchNorm into the layer before it when quantization starts, so verify-int can prove the network in integers (default: on in the quickstart when quantizing; --fuse-bn false turns it off)" };
        var save = new Option<string>("--save") { Description = "checkpoint to write after each epoch", DefaultValueFactory = _ => "qsparse-mnist.safetensors" };
        var plot = new Option<string?>("--plot") { Description = "PNG plot of loss, accuracy and sparsity (default: the checkpoint's name with .png)" };
        var resume = new Option<string?>("--resume") { Description = "continue the run saved in this checkpoint (same flags)" };
        var data = DataOptions.Folder();
        var dataset = DataOptions.Dataset();
        var device = DeviceOption.Create();
        var command = new Command("train", "train the seed network with QSPARSE on MNIST-style data; writes a checkpoint and a plot")
        {
            recipe, mode, prune, order, window, epochs, batchSize, lr, gamma, seed, limitTrain, limitTest, fuseBn, save, plot, resume, data, dataset, device,
        };
        command.SetAction(parse =>
        {
            bool full = parse.GetValue(recipe) == "full";
            var trainMode = Parse<TrainMode>(parse.GetValue(mode), "--mode") ?? TrainMode.QuantizePrune;
            var options = new TrainOptions
            {
                Mode = trainMode,
                Prune = Parse<PruneTarget>(parse.GetValue(prune), "--prune") ?? PruneTarget.Both,
                Order = Parse<QsparseOrder>(parse.GetValue(order), "--order") ?? QsparseOrder.QuantizeFirst,
                Window = parse.GetValue(window) ?? 8,
                FuseBn = parse.GetValue(fuseBn) ?? (!full && trainMode is TrainMode.Quantize or TrainMode.QuantizePrune),
                Epochs = parse.GetValue(epochs) ?? (full ? 14 : QuickstartEpochs),
                BatchSize = parse.GetValue(batchSize) ?? 64,
                Lr = parse.GetValue(lr) ?? 1.0,
                Gamma = parse.GetValue(gamma) ?? (full ? 0.7 : QuickstartGamma),
                Seed = parse.GetValue(seed) ?? 1,
                LimitTrain = parse.GetValue(limitTrain) ?? (full ? null : QuickstartExamples),
                LimitTest = parse.GetValue(limitTest) ?? (full ? null : QuickstartTestLimit),
            };
            var savePath = parse.GetValue(save)!;
            return Run(options, parse.GetValue(device), parse.GetValue(data)!, parse.GetValue(dataset)!, parse.GetValue(resume), savePath,
                parse.GetValue(plot) ?? Path.ChangeExtension(savePath, ".png"));
        });
        return command;
    }

    static Option<string?> Choice(string name, string description, string[] choices)
    {
        var option = new Option<string?>(name) { Description = description };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    static T? Parse<T>(string? text, string option) where T : struct, Enum => text == null ? null : TrainOptions.Parse<T>(text, option);

    static int Run(TrainOptions options, string? deviceName, string folder, string dataset, string? resume, string savePath, string plotPath)
    {
        var clock = Stopwatch.StartNew();
        using var device = Device.Open(deviceName);
        var data = MnistFolder.Load(folder, dataset);
        using var trainer = new Trainer(device, options, data);
        if (resume != null)
            trainer.Resume(resume);
        Console.WriteLine($"device: {device}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: {data.Stats.Name} from {folder}: {trainer.TrainCount} of {data.Train.Count} training examples per epoch, {data.Test.Count} test examples"));
        Console.WriteLine($"mode: {TrainOptions.Spell(options.Mode)}, prune {TrainOptions.Spell(options.Prune)}, {TrainOptions.Spell(options.Order)}, "
                          + $"window {options.Window}{(options.FuseBn ? ", BatchNorm folded" : "")}; {options.Epochs} epochs of {trainer.StepsPerEpoch} steps (E), batch {options.BatchSize}");
        var history = new TrainingHistory();
        Evaluation? last = null;
        long totalSteps = (long)options.Epochs * trainer.StepsPerEpoch;
        while (trainer.Epoch < options.Epochs)
        {
            ProgressLine.Run(trainer.Step, totalSteps, report => trainer.TrainEpoch((step, loss) =>
            {
                history.AddLoss(step, loss);
                report(step, loss);
            }));
            bool final = trainer.Epoch == options.Epochs;
            last = trainer.Evaluate(final);
            history.AddAccuracy(trainer.Step, last.Accuracy);
            history.AddSparsity(trainer.Step, QsparseLayerState.FromStateDict(HostState(trainer.Model)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {trainer.Epoch}/{options.Epochs}: lr {trainer.Lr:0.####} test loss {last.Loss:0.0000} accuracy {last.Accuracy:0.0000} ({last.Count} images)"));
            trainer.Save(savePath);
        }
        last ??= trainer.Evaluate(true);
        LayerTable.Print(QsparseLayerState.FromStateDict(HostState(trainer.Model)), MnistNet.OutputOf);
        history.SavePlot(plotPath);
        Console.WriteLine($"checkpoint: {savePath}, plot: {plotPath}");
        Console.WriteLine(ResultLine.Format(last, clock.Elapsed.TotalSeconds));
        return 0;
    }

    static IEnumerable<KeyValuePair<string, HostTensor>> HostState(Module model) =>
        model.StateDict().Select(kv => KeyValuePair.Create(kv.Key, HostTensor.From(kv.Value)));
}
