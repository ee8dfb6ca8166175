using System.CommandLine;
using QSparse.Nn.Data;

namespace QSparse.Host.Commands;

/// <summary>The shared <c>--data</c> and <c>--dataset</c> options.</summary>
static class DataOptions
{
    public static Option<string> Folder() => new Option<string>("--data")
    {
        Description = "data folder: the four MNIST-style IDX files (plain or .gz; default Fashion-MNIST), CIFAR-10/100 binary batches (classification), "
                      + "or train/ and test/ folders of PNG/JPEG images (super-resolution: the high-resolution images; pix2pix: A|B pairs side by side)",
        DefaultValueFactory = _ => MnistFolder.DefaultPath,
    }.NonEmpty();

    public static Option<string> Dataset()
    {
        var option = new Option<string>("--dataset")
        {
            Description = "normalisation of IDX images: auto (by the images' mean pixel), mnist or fashion-mnist",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong(["auto", .. DatasetStats.Known.Select(s => s.Name)]);
        return option;
    }
}
