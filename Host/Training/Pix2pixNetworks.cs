namespace QSparse.Host.Training;

/// <summary>
/// pix2pix's two networks in one module, named as pix2pix_model.py's netG and netD, so one state dict (keys
/// "netG.…", "netD.…") and one checkpoint hold both. Forward runs the generator: what eval, verify-int and the
/// layer table look at.
/// </summary>
public sealed class Pix2pixNetworks : Module
{
    readonly Module netG, netD;

    /// <param name="generator">Images A [N, C, H, W] in [-1, 1] → images B in [-1, 1].</param>
    /// <param name="discriminator">Pairs cat(A, B) [N, 2C, H, W] → patch logits.</param>
    public Pix2pixNetworks(Module generator, Module discriminator) : base(generator.Device)
    {
        netG = RegisterModule("netG", generator);
        netD = RegisterModule("netD", discriminator);
    }

    /// <summary>The generator.</summary>
    public Module NetG => netG;

    /// <summary>The discriminator.</summary>
    public Module NetD => netD;

    public override Tensor Forward(Tensor input) => netG.Call(input);
}
