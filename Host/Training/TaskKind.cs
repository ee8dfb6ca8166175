namespace QSparse.Host.Training;

/// <summary>What a network is trained to do: the loss, the metric and the recipe. NOTE: checkpoints record the value, so new tasks go at the end.</summary>
public enum TaskKind
{
    /// <summary>Image classification: cross-entropy (NLL on log-probabilities), accuracy.</summary>
    Classification,

    /// <summary>Single-image super-resolution: MSE, PSNR beside the bilinear upsampling of the low-resolution input.</summary>
    SuperResolution,

    /// <summary>Paired image-to-image translation: L1·λ + adversarial loss, PSNR and L1 on held-out pairs.</summary>
    Pix2pix,
}
