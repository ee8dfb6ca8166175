using QSparse.Host.Training.Tasks;
using QSparse.Scheduling;

namespace QSparse.Host.Training;

/// <summary>
/// Each network's loss, optimizers and learning-rate schedule, as its upstream example trains it: the seed's Adadelta
/// and StepLR for mnist; SGD (momentum 0.9, weight decay 5e-4) with CosineAnnealingLR over the run for the CIFAR
/// networks (cifar10/main.py); Adam with the last layer at a tenth of the rate and a ×0.1 step at 80% of the epochs for
/// ESPCN (espcn-sr/train.py); two Adams with betas (0.5, 0.999) and pix2pix's linear decay over the second half for pix2pix.
/// </summary>
public static class Recipes
{
    /// <summary>The learning rate at epoch 0 of <paramref name="model"/>'s recipe.</summary>
    public static double DefaultLr(ModelKind model) => model switch
    {
        ModelKind.Mnist => 1.0,
        ModelKind.Espcn => 1e-3,
        ModelKind.Pix2pix => 2e-4,
        _ => 0.1,
    };

    /// <summary>The task that trains <paramref name="network"/> (built for <paramref name="config"/>) with <paramref name="options"/>.</summary>
    public static TrainingTask Create(NetworkConfig config, TrainOptions options, Module network)
    {
        double lr = options.Lr ?? DefaultLr(config.Model);
        int epochs = options.Epochs;
        switch (config.Task)
        {
            case TaskKind.Classification when config.Model == ModelKind.Mnist:
                return new ClassificationTask(network, new Adadelta(network.Parameters(), lr), new StepLR(lr, 1, options.Gamma), logProbabilities: true);
            case TaskKind.Classification:
                return new ClassificationTask(network, new SGD(network.Parameters(), lr, momentum: 0.9, weightDecay: 5e-4),
                    new CosineAnnealingLR(lr, epochs), logProbabilities: false);
            case TaskKind.SuperResolution:
            {
                // NOTE: espcn-sr gives its last part (the sub-pixel convolution) a tenth of the rate.
                var groups = network.NamedParameters().GroupBy(p => p.Name.StartsWith("last_part.", StringComparison.Ordinal))
                    .OrderBy(g => g.Key).Select(g => new ParamGroup(g.Select(p => p.Parameter))).ToList();
                double[] shares = groups.Count == 2 ? [1, 0.1] : [1];
                var optimizer = new Adam(groups, lr);
                return new SuperResolutionTask(network, optimizer, new StepLR(lr, Math.Max(1, (int)(epochs * 0.8)), 0.1), shares);
            }
            case TaskKind.Pix2pix:
            {
                var pair = (Pix2pixNetworks)network;
                int constant = (epochs + 1) / 2, decay = epochs - constant;
                return new Pix2pixTask(pair, new Adam(pair.NetG.Parameters(), lr, (0.5, 0.999)), new Adam(pair.NetD.Parameters(), lr, (0.5, 0.999)),
                    new LambdaLR(lr, e => 1 - Math.Max(0, e - constant) / (double)(decay + 1)), options.LambdaL1);
            }
            default:
                throw new ArgumentException($"unknown task {config.Task}");
        }
    }
}
