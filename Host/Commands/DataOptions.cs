using System.CommandLine;
using QSparse.Nn.Data;

namespace QSparse.Host.Commands;

/// <summary>The shared <c>--data</c> and <c>--dataset</c> options.</summary>
static class DataOptions
{
    public static Option<string> Folder() => new("--data")
    {
        Description = "folder with the four MNIST-style IDX files (plain or .gz)",
        DefaultValueFactory = _ => MnistFolder.DefaultPath,
    };

    public static Option<string> Dataset()
    {
        var option = new Option<string>("--dataset")
        {
            Description = "normalisation: auto (by the images' mean pixel), mnist or fashion-mnist",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong(["auto", .. DatasetStats.Known.Select(s => s.Name)]);
        return option;
    }
}
