namespace QSparse.Nn;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> did not match (PyTorch's _IncompatibleKeys): the model's keys the
/// state dict lacks, and the state dict's keys the model does not have. Both empty after a strict load.
/// </summary>
/// <param name="MissingKeys">Model keys not in the state dict, in the model's order.</param>
/// <param name="UnexpectedKeys">State-dict keys the model does not have, in the state dict's order.</param>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
