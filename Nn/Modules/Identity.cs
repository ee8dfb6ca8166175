namespace QSparse.Nn;

/// <summary>Returns its input unchanged (torch.nn.Identity); what fuse_bn leaves in place of a folded BatchNorm.</summary>
public sealed class Identity(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => input;
}
