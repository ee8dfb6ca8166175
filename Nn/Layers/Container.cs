namespace QSparse.Nn;

/// <summary>Runs its children in order (torch.nn.Sequential); children are named "0", "1", ... unless given names.</summary>
public sealed class Sequential : Module
{
    public Sequential(params Module[] modules) : base(modules.FirstOrDefault()?.Device)
    {
        for (int i = 0; i < modules.Length; i++)
            RegisterModule(i.ToString(), modules[i]);
    }

    /// <summary>Children with given names, in order (PyTorch's <c>Sequential(OrderedDict([...]))</c>).</summary>
    public Sequential(params (string Name, Module Module)[] modules) : base(modules.FirstOrDefault().Module?.Device)
    {
        foreach (var (name, module) in modules)
            RegisterModule(name, module);
    }

    /// <summary>Appends a child named after its position.</summary>
    public Sequential Add(Module module)
    {
        RegisterModule(NamedChildren().Count().ToString(), module);
        return this;
    }

    public Module this[int index] => NamedChildren().ElementAt(index < 0 ? Count + index : index).Module;

    public int Count => NamedChildren().Count();

    /// <summary>Replaces child <paramref name="index"/> as <see cref="Module.ReplaceChild"/> does (the old child is retired unless the new one holds it).</summary>
    public void Set(int index, Module module) => ReplaceChild(NamedChildren().ElementAt(index).Name, module);

    /// <summary>Runs each child through <see cref="Module.Call"/>, in order, on the previous one's output.</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var (_, m) in NamedChildren())
            x = CallChild(m, x);
        return x;
    }
}

/// <summary>
/// A list of children (torch.nn.ModuleList), named "0", "1", ... in order: registered, so their parameters, state-dict
/// keys, printing and rewrites (Convert, FuseBn) see them, but with no Forward of its own: the owner calls them.
/// </summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    public ModuleList(params Module[] modules) : base(modules.FirstOrDefault()?.Device) => Extend(modules);

    /// <summary>Appends a child named after its position.</summary>
    public ModuleList Append(Module module)
    {
        RegisterModule(Count.ToString(), module);
        return this;
    }

    /// <summary>Appends each of <paramref name="modules"/> in order.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        foreach (var m in modules)
            Append(m);
        return this;
    }

    /// <summary>Child <paramref name="index"/> (negative counts from the end); setting replaces it as <see cref="Module.ReplaceChild"/> does.</summary>
    public Module this[int index]
    {
        get => NamedChildren().ElementAt(Position(index)).Module;
        set => ReplaceChild(Position(index).ToString(), value);
    }

    public int Count => NamedChildren().Count();

    int Position(int index)
    {
        int i = index < 0 ? index + Count : index;
        return i >= 0 && i < Count ? i : throw new ArgumentOutOfRangeException(nameof(index), index, $"ModuleList index {index} is out of range for {Count} modules");
    }

    /// <summary>A ModuleList is not callable (PyTorch raises NotImplementedError): call its modules.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("ModuleList has no Forward: iterate over its modules and call each one");

    public IEnumerator<Module> GetEnumerator() => NamedChildren().Select(c => c.Module).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Children under string keys, in insertion order (torch.nn.ModuleDict): registered under their keys, with no
/// Forward of its own.
/// </summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>
{
    public ModuleDict(params (string Key, Module Module)[] modules) : base(modules.FirstOrDefault().Module?.Device)
    {
        foreach (var (key, module) in modules)
            this[key] = module;
    }

    /// <summary>The child under <paramref name="key"/>; setting adds it, or replaces the one there as <see cref="Module.ReplaceChild"/> does.</summary>
    public Module this[string key]
    {
        get => TryGetValue(key, out var m) ? m : throw new KeyNotFoundException($"ModuleDict has no key '{key}'");
        set
        {
            if (string.IsNullOrEmpty(key) || key.Contains('.'))
                throw new ArgumentException($"ModuleDict key '{key}' must be non-empty and contain no '.'", nameof(key));
            RegisterModule(key, value);
        }
    }

    public int Count => NamedChildren().Count();

    public IEnumerable<string> Keys => NamedChildren().Select(c => c.Name);

    public IEnumerable<Module> Values => NamedChildren().Select(c => c.Module);

    public bool ContainsKey(string key) => NamedChildren().Any(c => c.Name == key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Module value)
    {
        value = NamedChildren().FirstOrDefault(c => c.Name == key).Module;
        return value != null;
    }

    /// <summary>A ModuleDict is not callable (PyTorch raises NotImplementedError): call its modules.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("ModuleDict has no Forward: look up its modules and call each one");

    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() =>
        NamedChildren().Select(c => KeyValuePair.Create(c.Name, c.Module)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
