using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using QSparse.Host.Reporting;
using QSparse.Host.Training;
using QSparse.Host.Training.Tasks;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse train</c>: a network of Nn/Models with its task's loss, metric and recipe, with QSPARSE, on Fashion-MNIST
/// (or the folder --data names). With no arguments, the quickstart: the seed network, quantize+prune of weights and
/// features, a few minutes on two CPU cores.
/// </summary>
static class TrainCommand
{
    public static Command Create()
    {
        var model = Choice("--model", "the network (default mnist, the seed's): its task and recipe follow from it", TrainOptions.Choices<ModelKind>());
        var task = Choice("--task", "what the network is trained for (default: the model's): classification, super-resolution or pix2pix", TrainOptions.Choices<TaskKind>());
        var scale = new Option<int?>("--scale") { Description = "super-resolution factor, 2 or 3 (default 2)" };
        var recipe = Choice("--recipe", "quickstart (default: a few minutes on a CPU, quantize+prune), quick (each model in at most ten minutes on two CPU cores) or full (the upstream example's run on the whole training set)", RunSize.Recipes);
        var mode = Choice("--mode", "what QSPARSE does (default quantize+prune)", TrainOptions.Choices<TrainMode>());
        var prune = Choice("--prune", "what is pruned (default both)", TrainOptions.Choices<PruneTarget>());
        var order = Choice("--order", "which starts first (default quantize-first)", TrainOptions.Choices<QsparseOrder>());
        var window = new Option<int?>("--window") { Description = "window size of the activation quantizers and pruners (default 8)" }.AtLeast(1);
        var epochs = new Option<int?>("--epochs") { Description = "epochs, counting those of a resumed checkpoint (quickstart 10, full 14 for mnist; the recipe's for the others)" }.AtLeast(1);
        var batchSize = new Option<int?>("--batch-size") { Description = "examples per step (default: the recipe's, 64 for mnist)" }.AtLeast(1);
        var lr = new Option<double?>("--lr") { Description = "learning rate at epoch 0 (mnist: Adadelta 1.0; resnet20, resnet18, mobilenetv2: SGD 0.1; espcn: Adam 1e-3; pix2pix: Adam 2e-4)" }.FinitePositive();
        var gamma = new Option<double?>("--gamma") { Description = "mnist's StepLR decay per epoch (full 0.7 as the seed; quickstart 0.95: its epochs are short, and the network must recover after the last pruning step)" }.FinitePositive();
        var seed = new Option<ulong?>("--seed") { Description = "seed of the initial weights, dropout and data order (default 1)" };
        var limitTrain = new Option<int?>("--limit-train") { Description = "training examples per epoch (quickstart 7680 for mnist, full: all)" }.AtLeast(1);
        var limitTest = new Option<int?>("--limit-test") { Description = "test examples of the evaluations between epochs (quickstart 1000 for mnist)" }.AtLeast(1);
        var limitFinalTest = new Option<int?>("--limit-final-test") { Description = "test examples of the evaluation after the last epoch (default all; the quick recipe of resnet18, mobilenetv2 and pix2pix fewer)" }.AtLeast(1);
        var fuseBn = new Option<bool?>("--fuse-bn") { Description = "fold BatchNorm into the layer before it when quantization starts, so verify-int can prove the network in integers (default: on in the seed's quickstart when quantizing; --fuse-bn false turns it off)" };
        var save = new Option<string?>("--save") { Description = "checkpoint to write after each epoch (default qsparse-<model>.safetensors)" };
        var plot = new Option<string?>("--plot") { Description = "PNG plot of loss, the test metric and sparsity (default: the checkpoint's name with .png)" };
        var resume = new Option<string?>("--resume") { Description = "continue the run saved in this checkpoint (same flags)" }.NonEmpty();
        var data = DataOptions.Folder();
        var dataset = DataOptions.Dataset();
        var device = DeviceOption.Create();
        var command = new Command("train", "train a network with QSPARSE (the seed's MNIST network by default); writes a checkpoint and a plot")
        {
            model, task, scale, recipe, mode, prune, order, window, epochs, batchSize, lr, gamma, seed, limitTrain, limitTest, limitFinalTest, fuseBn, save, plot, resume,
            data, dataset, device,
        };
        command.SetAction(parse =>
        {
            var modelKind = Parse<ModelKind>(parse.GetValue(model), "--model") ?? ModelKind.Mnist;
            ModelCatalog.CheckTask(modelKind, Parse<TaskKind>(parse.GetValue(task), "--task") ?? ModelCatalog.TaskOf(modelKind));
            if (parse.GetValue(scale) is { } s && (s is not (2 or 3) || modelKind != ModelKind.Espcn))
                throw new ArgumentException($"--scale {s}: expected 2 or 3, for --model espcn");
            var size = RunSize.For(parse.GetValue(recipe) ?? "quickstart", modelKind);
            var trainMode = Parse<TrainMode>(parse.GetValue(mode), "--mode") ?? TrainMode.QuantizePrune;
            var options = new TrainOptions
            {
                Model = modelKind,
                Scale = parse.GetValue(scale) ?? 2,
                Mode = trainMode,
                Prune = Parse<PruneTarget>(parse.GetValue(prune), "--prune") ?? PruneTarget.Both,
                Order = Parse<QsparseOrder>(parse.GetValue(order), "--order") ?? QsparseOrder.QuantizeFirst,
                Window = parse.GetValue(window) ?? 8,
                FuseBn = parse.GetValue(fuseBn) ?? (size.FuseBn && trainMode is TrainMode.Quantize or TrainMode.QuantizePrune),
                Epochs = parse.GetValue(epochs) ?? size.Epochs,
                BatchSize = parse.GetValue(batchSize) ?? size.BatchSize,
                EvalBatchSize = RunSize.EvalBatchSize(modelKind),
                Lr = parse.GetValue(lr),
                Gamma = parse.GetValue(gamma) ?? size.Gamma,
                Seed = parse.GetValue(seed) ?? 1,
                LimitTrain = parse.GetValue(limitTrain) ?? size.LimitTrain,
                LimitTest = parse.GetValue(limitTest) ?? size.LimitTest,
                LimitFinalTest = parse.GetValue(limitFinalTest) ?? size.LimitFinalTest,
            };
            var savePath = parse.GetValue(save) ?? $"qsparse-{TrainOptions.Spell(modelKind)}.safetensors";
            var plotPath = parse.GetValue(plot) ?? Path.ChangeExtension(savePath, ".png");
            OutputFiles.Check(("--save", savePath), ("--plot", plotPath));
            // NOTE: --save may name the --resume checkpoint (the run continues in it); the plot must not.
            if (parse.GetValue(resume) is { } resumePath)
                OutputFiles.Distinct(("--resume", resumePath), ("--plot", plotPath));
            return Run(options, parse.GetValue(device), parse.GetValue(data)!, parse.GetValue(dataset)!, parse.GetValue(resume), savePath, plotPath);
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
        var data = TaskDataSource.Load(device, options, folder, dataset);
        using var trainer = new Trainer(device, options, data);
        if (resume != null)
            trainer.Resume(resume);
        Console.WriteLine($"device: {device}");
        if (options.Model != ModelKind.Mnist)
            Console.WriteLine($"model: {TrainOptions.Spell(options.Model)}, task {TrainOptions.Spell(trainer.Config.Task)}{(trainer.Config.Scale > 1 ? $" x{trainer.Config.Scale}" : "")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: {data.Description}: {data.TrainCount} of {data.TrainTotal} training examples per epoch, {data.TestCount} test examples"));
        Console.WriteLine($"mode: {TrainOptions.Spell(options.Mode)}, prune {TrainOptions.Spell(options.Prune)}, {TrainOptions.Spell(options.Order)}, "
                          + $"window {options.Window}{(options.FuseBn ? ", BatchNorm folded" : "")}; {options.Epochs} epochs of {trainer.StepsPerEpoch} steps (E), batch {options.BatchSize}");
        var history = new TrainingHistory();
        TaskMetrics? last = null;
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
            history.AddMetric(trainer.Step, last.Primary);
            history.AddSparsity(trainer.Step, QsparseLayerState.FromStateDict(HostState(trainer.Model)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {trainer.Epoch}/{options.Epochs}: lr {FormatLr(trainer.Lr)} {last.Summary} ({last.Count} images)"));
            trainer.Save(savePath);
            trainer.WriteSamples(savePath);
        }
        last ??= trainer.Evaluate(true);
        LayerTable.Print(QsparseLayerState.FromStateDict(HostState(trainer.Model)), ModelCatalog.OutputOf(options.Model));
        // NOTE: the checkpoint is saved by now: a plot that cannot be written is a warning, and the result line still comes.
        string plotted = plotPath;
        try
        {
            history.SavePlot(plotPath);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"warning: {e.Message}");
            plotted = "not written";
        }
        Console.WriteLine($"checkpoint: {savePath}, plot: {plotted}{(trainer.Task.HasSamples ? $", samples: {Pix2pixTask.SamplesPath(savePath, trainer.Epoch)}" : "")}");
        Console.WriteLine(ResultLine.Format(last, clock.Elapsed.TotalSeconds));
        return 0;
    }

    // NOTE: four decimals as the seed's lines print them; a rate below 1e-3 (pix2pix's decay) in exponent form, so it does not read 0.
    static string FormatLr(double lr) => lr.ToString(lr is >= 1e-3 or 0 ? "0.####" : "0.###e+0", CultureInfo.InvariantCulture);

    static IEnumerable<KeyValuePair<string, HostTensor>> HostState(Module model) =>
        model.StateDict().Select(kv => KeyValuePair.Create(kv.Key, HostTensor.From(kv.Value)));
}
