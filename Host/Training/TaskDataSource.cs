using QSparse.Host.Training.Tasks;
using QSparse.Nn.Data;

namespace QSparse.Host.Training;

/// <summary>
/// The data of a run, shaped for its model and task (Nn/Data readers and transforms), from the folder --data names:
/// MNIST-style IDX files (default: Fashion-MNIST), CIFAR binary batches (classification), or train/ and test/
/// folders of images (super-resolution: each image the high-resolution target; pix2pix: A|B pairs side by side).
/// <list type="bullet">
/// <item>classification: the seed's normalisation for mnist; for the 32×32 networks the CIFAR example's random crop
/// (padding 4) and flip on the training images, Fashion-MNIST padded to 32×32 first, CIFAR normalised with its
/// channel means.</item>
/// <item>super-resolution: pixels in [0, 1]; the image cut to a multiple of the scale (28×28 Fashion-MNIST at ×2,
/// 27×27 at ×3) and its <see cref="Downscale"/> as the input.</item>
/// <item>pix2pix: Fashion-MNIST padded to 32×32 with its <see cref="EdgeMap"/> as the input, or a folder's A|B pairs;
/// both images normalised to [-1, 1] (pix2pix's Normalize(0.5, 0.5)).</item>
/// </list>
/// </summary>
public static class TaskDataSource
{
    // NOTE: the CIFAR example's per-channel statistics (cifar10/main.py).
    static readonly Normalize Cifar = new([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.2010]);
    static readonly Normalize Signed = new(0.5, 0.5);

    /// <summary>Loads the data <paramref name="options"/> trains on from <paramref name="folder"/>.</summary>
    public static ITaskData Load(Device device, TrainOptions options, string folder, string dataset)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{folder}: no such data folder");
        int size = ModelCatalog.ImageSize(options.Model, options.Scale);
        var data = ModelCatalog.TaskOf(options.Model) switch
        {
            TaskKind.Classification => Classification(device, options, folder, dataset, size),
            TaskKind.SuperResolution => SuperResolution(device, options, folder, dataset),
            _ => Pix2pix(device, options, folder, dataset, size),
        };
        // NOTE: an evaluation of nothing would print accuracy 0 and succeed.
        if (data.TestCount == 0)
            throw new InvalidDataException($"{folder}: no test examples ({data.Description}): every command evaluates on them");
        return data;
    }

    static bool IsCifar(string folder) => File.Exists(Path.Combine(folder, "data_batch_1.bin")) || File.Exists(Path.Combine(folder, "train.bin"));

    static bool IsImageFolders(string folder) => Directory.Exists(Path.Combine(folder, "train")) && Directory.Exists(Path.Combine(folder, "test"));

    static ITaskData Classification(Device device, TrainOptions options, string folder, string dataset, int size)
    {
        ITransform<HostImage, HostImage>[] augment = [new RandomCrop(size, 4), new RandomHorizontalFlip()];
        if (IsCifar(folder))
        {
            var cifar = CifarBinary.Load(folder);
            if (size != CifarBinary.ImageSize)
                throw new ArgumentException($"--model {TrainOptions.Spell(options.Model)} takes {size}x{size} images, {folder} holds CIFAR's 32x32");
            return Labelled(device, Transform.Images(cifar.Train, [.. augment, Cifar]), Transform.Images(cifar.Test, Cifar),
                $"cifar-{cifar.Classes} from {folder}", 3, cifar.Classes, options);
        }
        var mnist = MnistFolder.Load(folder, dataset);
        var description = $"{mnist.Stats.Name} from {folder}";
        if (size == MnistFolder.ImageSize)
            return Mnist(device, mnist, options, description);
        var pad = new Pad((size - MnistFolder.ImageSize) / 2);
        return Labelled(device, Transform.Images(mnist.Train, [pad, .. augment, mnist.Normalization]), Transform.Images(mnist.Test, pad, mnist.Normalization),
            $"{description}, padded to {size}x{size}", 1, MnistFolder.Classes, options);
    }

    /// <summary>The seed network's examples of <paramref name="folder"/> (images normalised as the seed's, labels), batched as <paramref name="options"/> say.</summary>
    public static ITaskData Mnist(Device device, MnistFolder folder, TrainOptions options, string description = "mnist") =>
        Labelled(device, Transform.Images(folder.Train, folder.Normalization), Transform.Images(folder.Test, folder.Normalization), description, 1,
            MnistFolder.Classes, options);

    /// <summary>Labelled images (transformed) as batches of images [N, C, H, W] and int64 labels [N] on <paramref name="device"/>.</summary>
    public static ITaskData Labelled(Device device, IDataset<LabeledImage> train, IDataset<LabeledImage> test, string description, int channels, int classes,
        TrainOptions options) => new LoaderTaskData<LabeledImage>(train, test,
        batch => (Batch.ToDevice(device, [.. batch.Select(e => e.Image)]), Batch.Labels(device, batch)), description, channels, classes, options);

    /// <summary>Image pairs (transformed) as batches of inputs and targets [N, C, H, W] on <paramref name="device"/>.</summary>
    public static ITaskData Pairs(Device device, IDataset<ImagePair> train, IDataset<ImagePair> test, string description, int channels, TrainOptions options) =>
        new LoaderTaskData<ImagePair>(train, test,
            batch => (Batch.ToDevice(device, [.. batch.Select(p => p.Input)]), Batch.ToDevice(device, [.. batch.Select(p => p.Target)])),
            description, channels, 0, options);

    static ITaskData SuperResolution(Device device, TrainOptions options, string folder, string dataset)
    {
        var downscale = new Downscale(options.Scale);
        ImagePair Pair(HostImage image, SampleRandom random) => downscale.Apply(Cut(image, options.Scale), random);
        var (train, test, description) = Images(folder, dataset);
        return Pairs(device, Transform.Map(train, (Func<HostImage, SampleRandom, ImagePair>)Pair), Transform.Map(test, (Func<HostImage, SampleRandom, ImagePair>)Pair),
            $"{description}, x{options.Scale} low/high-resolution pairs", 1, options);
    }

    static ITaskData Pix2pix(Device device, TrainOptions options, string folder, string dataset, int size)
    {
        static ImagePair Normalized(ImagePair p, SampleRandom random) => new(Signed.Apply(p.Input, random), Signed.Apply(p.Target, random));
        if (IsImageFolders(folder))
        {
            IDataset<ImagePair> Split(string name) =>
                Transform.Map(PairedImageFolder.Load(Path.Combine(folder, name), 1), (Func<ImagePair, SampleRandom, ImagePair>)Normalized);
            return Pairs(device, Split("train"), Split("test"), $"A|B pairs from {folder}", 1, options);
        }
        var edges = new EdgeMap();
        var pad = new Pad((size - MnistFolder.ImageSize) / 2);
        var mnist = MnistFolder.Load(folder, dataset);
        IDataset<ImagePair> EdgePairs(IDataset<LabeledImage> images) =>
            Transform.Map(images, (LabeledImage e, SampleRandom random) => Normalized(edges.Apply(pad.Apply(e.Image, random), random), random));
        return Pairs(device, EdgePairs(mnist.Train), EdgePairs(mnist.Test), $"{mnist.Stats.Name} from {folder}: edge maps -> images, padded to {size}x{size}", 1,
            options);
    }

    static (IDataset<HostImage> Train, IDataset<HostImage> Test, string Description) Images(string folder, string dataset)
    {
        if (IsImageFolders(folder))
            return (ImageFolder.Load(Path.Combine(folder, "train"), 1), ImageFolder.Load(Path.Combine(folder, "test"), 1), $"images from {folder}");
        var mnist = MnistFolder.Load(folder, dataset);
        return (Transform.Map(mnist.Train, e => e.Image), Transform.Map(mnist.Test, e => e.Image), $"{mnist.Stats.Name} from {folder}");
    }

    // The top-left window whose sides are multiples of the scale (Fashion-MNIST at ×3: 27×27).
    static HostImage Cut(HostImage image, int scale)
    {
        int h = image.Height / scale * scale, w = image.Width / scale * scale;
        if (h == image.Height && w == image.Width)
            return image;
        var pixels = new float[image.Channels * h * w];
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < h; y++)
                Array.Copy(image.Pixels, (c * image.Height + y) * image.Width, pixels, (c * h + y) * w, w);
        return new HostImage(pixels, image.Channels, h, w);
    }
}
