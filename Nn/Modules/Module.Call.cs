namespace QSparse.Nn;

public abstract partial class Module
{
    // NOTE: the modules whose Call is running on this thread, innermost last: a wrapped module asks it who calls it.
    [ThreadStatic] static List<Module>? active;

    readonly List<HookEntry<ForwardPreHook>> preHooks = [];
    readonly List<HookEntry<ForwardHook>> hooks = [];
    long calls;
    Module? wrapper;
    string? retired;

    /// <summary>
    /// Runs the module as a function (PyTorch's <c>module(x)</c>): the forward pre-hooks, <see cref="Forward"/>,
    /// then the forward hooks, in registration order. Containers and built-in modules call their children
    /// through it. It also makes a rewrite's stale references fail: calling a module a rewrite replaced, or one
    /// it wrapped (other than through the wrapper), is an error naming the module and the rewrite; and a
    /// Forward that did not apply a parameter's transforms (see <see cref="Effective"/>) is an error.
    /// NOTE: calling <see cref="Forward"/> directly skips all of this, as calling <c>forward</c> does in PyTorch.
    /// </summary>
    public Tensor Call(Tensor input) => Invoke(null, input);

    /// <summary>
    /// Registers <paramref name="hook"/> to run before every <see cref="Call"/>'s forward; it may return a
    /// replacement input (or null). Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterForwardPreHook(ForwardPreHook hook) => Add(preHooks, hook);

    /// <summary>An observing pre-hook (returns nothing); dispose the handle to remove it.</summary>
    public IDisposable RegisterForwardPreHook(Action<Module, Tensor> hook) =>
        RegisterForwardPreHook((m, x) =>
        {
            hook(m, x);
            return null;
        });

    /// <summary>
    /// Registers <paramref name="hook"/> to run after every <see cref="Call"/>'s forward with its input and
    /// output; it may return a replacement output (or null). Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterForwardHook(ForwardHook hook) => Add(hooks, hook);

    /// <summary>An observing hook (returns nothing); dispose the handle to remove it.</summary>
    public IDisposable RegisterForwardHook(Action<Module, Tensor, Tensor> hook) =>
        RegisterForwardHook((m, x, y) =>
        {
            hook(m, x, y);
            return null;
        });

    /// <summary>
    /// <see cref="Call"/> on behalf of this container: what a container's Forward uses to run its children, so a
    /// child it wraps accepts the call even when the container itself was run with Forward rather than Call.
    /// </summary>
    protected Tensor CallChild(Module child, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(child);
        return child.Invoke(this, input);
    }

    /// <summary>Runs this module for <paramref name="caller"/> (a container passes itself; null: whoever is running).</summary>
    Tensor Invoke(Module? caller, Tensor input)
    {
        ThrowIfRetired();
        if (wrapper != null && !ReferenceEquals(caller ?? Current, wrapper))
            throw new InvalidOperationException(
                $"{TypeName} was wrapped into {wrapper.TypeName} by a rewrite but is called directly by {(caller ?? Current)?.TypeName ?? "top-level code"}: "
                + "this reference was not updated (a field of another module, a local); call the wrapper (which must run it through Call)");
        foreach (var h in Snapshot(preHooks))
            input = h.Hook(this, input) ?? input;
        var stack = active ??= [];
        stack.Add(this);
        Tensor output;
        long call = ++calls;
        try
        {
            output = Forward(input);
        }
        finally
        {
            stack.RemoveAt(stack.Count - 1);
        }
        foreach (var (parameter, chain) in parameterTransforms)
            if (chain.LastRead != call && slots[parameter] != null)
                throw new InvalidOperationException(
                    $"{TypeName}.Forward did not apply the transforms of '{parameter}' ({string.Join(", ", chain.Modules.Select(m => m.TypeName))}): "
                    + $"compute with Effective(\"{parameter}\") inside Forward, or the transforms never run");
        foreach (var h in Snapshot(hooks))
            output = h.Hook(this, input, output) ?? output;
        return output;
    }

    /// <summary>The module a rewrite wrapped this one into (its only legitimate caller), or null.</summary>
    internal Module? Wrapper => wrapper;

    /// <summary>The module whose <see cref="Call"/> is running on this thread, or null.</summary>
    static Module? Current => active is { Count: > 0 } a ? a[^1] : null;

    void ThrowIfRetired()
    {
        if (retired != null)
            throw new InvalidOperationException($"{TypeName} was {retired} and must not run any more: this reference was not updated by the rewrite (a field of another module, a local)");
    }

    static IDisposable Add<T>(List<HookEntry<T>> list, T hook) where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(hook);
        var entry = new HookEntry<T>(hook);
        list.Add(entry);
        return new HookHandle(() => list.Remove(entry));
    }

    // Hooks may remove themselves (or others) while running: iterate over a copy, and none when there are none.
    static IReadOnlyList<HookEntry<T>> Snapshot<T>(List<HookEntry<T>> list) where T : Delegate => list.Count == 0 ? [] : list.ToArray();

    /// <summary>One registration (the same delegate registered twice is two entries, removed one at a time).</summary>
    sealed class HookEntry<T>(T hook) where T : Delegate
    {
        public T Hook { get; } = hook;
    }

    /// <summary>Removes its hook once, on the first Dispose.</summary>
    sealed class HookHandle(Action remove) : IDisposable
    {
        Action? remove = remove;

        public void Dispose()
        {
            remove?.Invoke();
            remove = null;
        }
    }
}
