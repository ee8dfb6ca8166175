using System.CommandLine;
using System.Globalization;
using QSparse.Host.Reporting;
using QSparse.Host.Training;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse inspect --checkpoint PATH</c>: the state-dict listing (name, dtype, shape), then each
/// quantizer's decimal bits and each pruner's mask sparsity, and the training position.
/// </summary>
static class InspectCommand
{
    public static Command Create()
    {
        var checkpoint = CheckpointOption.Create();
        var hints = new NetworkHintOptions();
        var command = new Command("inspect", "list a checkpoint's state dict, quantizer decimals and mask sparsities") { checkpoint };
        foreach (var option in hints.All)
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(checkpoint)!;
            var file = CheckpointFile.Read(path, hints.Read(parse));
            var config = file.Config;
            var entries = file.Entries;
            var model = entries.Where(kv => !kv.Key.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal)
                                            && !kv.Key.StartsWith(Checkpoint.ExtraPrefix, StringComparison.Ordinal)).ToList();
            Console.WriteLine($"{path}: model {TrainOptions.Spell(config.Model)} ({TrainOptions.Spell(config.Task)}{(config.Scale > 1 ? $" x{config.Scale}" : "")}), "
                              + $"mode {TrainOptions.Spell(config.Mode)}, {(NetworkInference.Recorded(entries) ? $"E = {config.StepsPerEpoch}"
                                  : $"prune {TrainOptions.Spell(config.Prune)}{(config.FuseBn ? ", BatchNorm folded" : "")} (no extra.config.* entries: inferred from the keys)")}");
            foreach (var (name, t) in model)
                Console.WriteLine($"{name,-40} {t.DType.TorchName(),-8} [{string.Join(", ", t.Shape)}]");
            foreach (var layer in QsparseLayerState.FromStateDict(model))
                Console.WriteLine(layer.Decimals is { } d
                    ? $"{layer.Path}: decimal = [{string.Join(", ", d.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]"
                    : layer.MaskSparsity is { } s
                        ? string.Create(CultureInfo.InvariantCulture, $"{layer.Path}: mask sparsity {s:0.0000}")
                        : $"{layer.Path}: not run yet");
            foreach (var (name, t) in entries.Where(kv => kv.Key.StartsWith(Checkpoint.ExtraPrefix, StringComparison.Ordinal)))
                if (t.DType == DType.Int64 && t.Numel == 1)
                    Console.WriteLine($"{name} = {t.AsLongs()[0]}");
            return 0;
        });
        return command;
    }
}
