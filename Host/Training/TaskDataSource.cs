using QSparse.Host.Data;
using QSparse.Host.Training.Tasks;

namespace QSparse.Host.Training;

/// <summary>
/// The data of a run for its model and task: the examples of <c>--data</c> (default: Fashion-MNIST), shaped as the
/// network takes them. The owner releases the device memory when disposed.
/// </summary>
public static class TaskDataSource
{
    /// <summary>Loads the data <paramref name="options"/> trains on from <paramref name="folder"/>.</summary>
    public static (ITaskData Data, IDisposable Owner) Load(Device device, TrainOptions options, string folder, string dataset)
    {
        if (options.Model != ModelKind.Mnist)
            throw new ArgumentException($"--model {TrainOptions.Spell(options.Model)}: its data pipeline is not built in this version");
        var mnist = MnistFolder.Load(device, folder, dataset);
        return (Mnist(mnist, options, $"{mnist.Stats.Name} from {folder}"), mnist);
    }

    /// <summary>The seed network's examples of <paramref name="folder"/> (normalised images and labels), batched as <paramref name="options"/> say.</summary>
    public static ITaskData Mnist(MnistFolder folder, TrainOptions options, string description = "mnist") =>
        new DeviceTaskData(folder.Train, folder.Test, description, MnistFolder.Classes, options.BatchSize, options.EvalBatchSize, options.Seed, options.LimitTrain);
}
