using System.CommandLine;
using System.Diagnostics;
using QSparse.Nn.Data;
using QSparse.Host.Reporting;
using QSparse.Host.Training;

namespace QSparse.Host.Commands;

/// <summary><c>qsparse eval --checkpoint PATH</c>: test loss and accuracy of a trained network on the whole test set.</summary>
static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = CheckpointOption.Create();
        var batchSize = new Option<int>("--batch-size") { Description = "examples per evaluation step", DefaultValueFactory = _ => 1000 };
        var data = DataOptions.Folder();
        var dataset = DataOptions.Dataset();
        var device = DeviceOption.Create();
        var command = new Command("eval", "test loss and accuracy of a qsparse train checkpoint") { checkpoint, batchSize, data, dataset, device };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(batchSize) < 1)
                throw new ArgumentException("--batch-size must be at least 1");
            using var dev = Device.Open(parse.GetValue(device));
            var (model, _) = TrainedModel.Load(dev, parse.GetValue(checkpoint)!);
            var folder = MnistFolder.Load(parse.GetValue(data)!, parse.GetValue(dataset)!);
            var result = Evaluation.Run(model, Transform.Images(folder.Test, folder.Normalization), parse.GetValue(batchSize));
            Console.WriteLine(ResultLine.Format(result, clock.Elapsed.TotalSeconds));
            return 0;
        });
        return command;
    }
}
