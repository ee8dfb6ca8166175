using System.CommandLine;
using QSparse.Host.Training;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>--model</c>, <c>--order</c>, <c>--window</c> and <c>--steps-per-epoch</c> of eval, inspect and verify-int: for a
/// state dict without "extra.config.*" entries (PyTorch's), what its keys do not show (<see cref="NetworkInference"/>).
/// </summary>
sealed class NetworkHintOptions
{
    readonly Option<string?> model = new("--model")
    {
        Description = "for a state dict without extra.config.* entries whose keys do not name the network: the network",
    };
    readonly Option<string?> order = new("--order")
    {
        Description = "for a state dict without extra.config.* entries: which started first (default quantize-first); only unfinished quantizers and pruners depend on it",
    };
    readonly Option<int?> window = new("--window") { Description = "for a state dict without extra.config.* entries: the activation quantizers' and pruners' window (default 8)" };
    readonly Option<int?> stepsPerEpoch = new("--steps-per-epoch") { Description = "for a state dict without extra.config.* entries: E, the schedule's unit (default 120)" };

    public NetworkHintOptions()
    {
        model.AcceptOnlyFromAmong(TrainOptions.Choices<ModelKind>());
        order.AcceptOnlyFromAmong(TrainOptions.Choices<QsparseOrder>());
    }

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All => [model, order, window, stepsPerEpoch];

    /// <summary>What the command line gave; a window or E below 1 is an error naming the option.</summary>
    public NetworkHints Read(ParseResult parse)
    {
        foreach (var option in new[] { window, stepsPerEpoch })
            if (parse.GetValue(option) is < 1)
                throw new ArgumentException($"{option.Name} must be at least 1");
        return new(Parse<ModelKind>(parse.GetValue(model), model.Name), Parse<QsparseOrder>(parse.GetValue(order), order.Name),
            parse.GetValue(window), parse.GetValue(stepsPerEpoch));
    }

    static T? Parse<T>(string? text, string option) where T : struct, Enum => text == null ? null : TrainOptions.Parse<T>(text, option);
}
