using System.CommandLine;

namespace QSparse.Host.Commands;

/// <summary>The required <c>--checkpoint PATH</c> option of eval, inspect and verify-int.</summary>
static class CheckpointOption
{
    public static Option<string> Create() => new("--checkpoint")
    {
        Description = "a checkpoint written by qsparse train",
        Required = true,
    };
}
