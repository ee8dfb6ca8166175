using System.CommandLine;
using System.Diagnostics;
using QSparse.Host.Reporting;
using QSparse.Host.Training;

namespace QSparse.Host.Commands;

/// <summary><c>qsparse eval --checkpoint PATH</c>: the task's metrics (accuracy, PSNR, ...) of a trained network on the whole test set.</summary>
static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = CheckpointOption.Create();
        var batchSize = new Option<int?>("--batch-size") { Description = "examples per evaluation step (default 1000; 100 for resnet18 and mobilenetv2)" };
        var data = DataOptions.Folder();
        var dataset = DataOptions.Dataset();
        var device = DeviceOption.Create();
        var hints = new NetworkHintOptions();
        var command = new Command("eval", "the test metrics of a qsparse train checkpoint (accuracy and loss, PSNR beside the bilinear baseline, ...)")
        {
            checkpoint, batchSize, data, dataset, device,
        };
        foreach (var option in hints.All)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(batchSize) is < 1)
                throw new ArgumentException("--batch-size must be at least 1");
            using var dev = Device.Open(parse.GetValue(device));
            var (model, config) = TrainedModel.Load(dev, CheckpointFile.Read(parse.GetValue(checkpoint)!, hints.Read(parse)));
            var options = TrainOptions.ForCheckpoint(config) with { EvalBatchSize = parse.GetValue(batchSize) ?? RunSize.EvalBatchSize(config.Model) };
            var test = TaskDataSource.Load(dev, options, parse.GetValue(data)!, parse.GetValue(dataset)!);
            using var task = Recipes.Create(config, options, model);
            Console.WriteLine(ResultLine.Format(task.Evaluate(test.TestBatches()), clock.Elapsed.TotalSeconds));
            return 0;
        });
        return command;
    }
}
