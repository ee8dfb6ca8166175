namespace QSparse.Nn;

/// <summary>
/// A training checkpoint in one safetensors file: the model's state dict under its PyTorch keys
/// ("conv1.weight", ...), the optimizer's state under "optimizer." ("optimizer.state.0.momentum_buffer")
/// and any extra host tensors (epoch, scheduler state, ...) under "extra.".
/// </summary>
public static class Checkpoint
{
    /// <summary>The prefix of the optimizer's state keys.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>The prefix of the extra entries' keys.</summary>
    public const string ExtraPrefix = "extra.";

    /// <summary>
    /// Writes <paramref name="model"/>'s state, <paramref name="optimizer"/>'s state and
    /// <paramref name="extra"/> to <paramref name="path"/>. The file is replaced atomically: a failed
    /// save leaves any existing checkpoint there as it was.
    /// </summary>
    public static void Save(string path, Module model, Optimizer? optimizer = null,
        IEnumerable<KeyValuePair<string, HostTensor>>? extra = null)
    {
        var entries = model.StateDict().Select(kv => KeyValuePair.Create(kv.Key, HostTensor.From(kv.Value))).ToList();
        if (optimizer != null)
            entries.AddRange(optimizer.StateDict().Select(kv => KeyValuePair.Create(OptimizerPrefix + kv.Key, HostTensor.From(kv.Value))));
        entries.AddRange((extra ?? []).Select(kv => KeyValuePair.Create(ExtraPrefix + kv.Key, kv.Value)));
        try
        {
            SafeTensors.Write(path, entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write the checkpoint ({e.Message})", e);
        }
    }

    /// <summary>
    /// Loads a checkpoint written by <see cref="Save"/> into <paramref name="model"/> and, when given,
    /// <paramref name="optimizer"/> (whose state is replaced; a checkpoint without optimizer state
    /// restarts it afresh). Returns the extra entries, without their prefix.
    /// Errors name the file and the key: <see cref="FileNotFoundException"/> for a missing file,
    /// <see cref="InvalidDataException"/> for a truncated or corrupt file or a dtype/shape mismatch,
    /// <see cref="KeyNotFoundException"/> for a missing or unexpected key. Everything is checked
    /// before anything is copied, so a failed load leaves the model and the optimizer untouched
    /// (unless a module adopts a new shape for one key and another key then fails).
    /// </summary>
    public static Dictionary<string, HostTensor> Load(string path, Module model, Optimizer? optimizer = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such checkpoint", path);
        return Load(SafeTensors.Read(path), path, model, optimizer);
    }

    /// <summary>
    /// <see cref="Load(string, Module, Optimizer?)"/> from the <paramref name="entries"/> of a checkpoint already read
    /// (so a caller that also reads its keys or extras reads the file once); errors name <paramref name="path"/>.
    /// </summary>
    public static Dictionary<string, HostTensor> Load(IReadOnlyDictionary<string, HostTensor> entries, string path, Module model,
        Optimizer? optimizer = null)
    {
        var modelKeys = model.StateDict().Select(kv => kv.Key).ToHashSet();
        var modelState = new Dictionary<string, HostTensor>();
        var optimizerState = new Dictionary<string, HostTensor>();
        var extra = new Dictionary<string, HostTensor>();
        foreach (var (key, value) in entries)
        {
            // The model's own keys win, so a child module named "optimizer" or "extra" still loads.
            if (!modelKeys.Contains(key) && key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                optimizerState[key[OptimizerPrefix.Length..]] = value;
            else if (!modelKeys.Contains(key) && key.StartsWith(ExtraPrefix, StringComparison.Ordinal))
                extra[key[ExtraPrefix.Length..]] = value;
            else
                modelState[key] = value;
        }
        try
        {
            optimizer?.CheckStateDict(optimizerState);
            model.LoadStateDict(modelState);
            optimizer?.LoadStateDict(optimizerState);
        }
        catch (KeyNotFoundException e)
        {
            throw new KeyNotFoundException($"{path}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        return extra;
    }
}
