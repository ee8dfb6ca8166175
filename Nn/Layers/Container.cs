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
