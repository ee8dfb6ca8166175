using QSparse.Nn;

namespace QSparse.Host.Data;

/// <summary>
/// One split of an image data set on the device: normalised images [N, 1, H, W] float32 and labels
/// [N] int64, uploaded once. A batch is gathered on the device from its example indexes.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <param name="images">Normalised images [N, 1, H, W], owned by this data set.</param>
    /// <param name="labels">Class labels [N] int64, owned by this data set.</param>
    public ImageDataset(Tensor images, Tensor labels)
    {
        Images = images.DetachFromScope();
        Labels = labels.DetachFromScope();
    }

    /// <summary>The normalised images [N, 1, H, W].</summary>
    public Tensor Images { get; }

    /// <summary>The labels [N] int64.</summary>
    public Tensor Labels { get; }

    /// <summary>N, the number of examples.</summary>
    public int Count => Labels.Shape[0];

    /// <summary>The examples <paramref name="indexes"/> as new device tensors: images [B, 1, H, W] and labels [B].</summary>
    public (Tensor Images, Tensor Labels) Batch(int[] indexes) => (Images.IndexSelect(indexes), Labels.IndexSelect(indexes));

    /// <summary>Releases the device memory.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
