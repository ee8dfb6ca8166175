namespace QSparse.Nn;

/// <summary>
/// The functional forms of the layers (torch.nn.functional). Modules hold parameters and
/// configuration and call these; each is differentiable.
/// </summary>
/// <remarks>
/// Each layer family's file in Nn/Layers holds its modules, its part of this class and the backward rules.
/// </remarks>
public static partial class Functional;
