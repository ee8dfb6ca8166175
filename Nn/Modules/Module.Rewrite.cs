using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace QSparse.Nn;

/// <summary>
/// Rewriting a module tree (PyTorch's setattr on a child, <c>set_submodule</c>): what Convert, FuseBn and a
/// user's own rewrite use. In PyTorch a child is the attribute, so replacing it changes what forward calls;
/// here a child lives both in the registry and in the fields Forward reads, so a replacement updates both.
/// <para>
/// A replacement updates every instance field of the parent (any visibility, readonly and auto-property
/// backing fields included, declared in its class or its bases) that holds the old child, and every element
/// of an array or <see cref="List{T}"/> held in such a field. A field whose declared type cannot hold the
/// replacement is an error raised before anything changes. The old child is then either wrapped (the
/// replacement contains it, as Convert's <c>Sequential(layer, quantizer)</c>): calling it other than
/// through its wrapper is an error; or retired (FuseBn's folded BatchNorm): calling it is an error.
/// </para>
/// <para>
/// Limits: references a rewrite cannot see (fields of other modules, of non-module objects, locals,
/// closures) are not updated; they fail at their next <see cref="Call"/> (and a retired layer's
/// <see cref="Effective"/>), but a direct <see cref="Forward"/> call of a wrapped or retired module is not checked.
/// </para>
/// </summary>
public abstract partial class Module
{
    /// <summary>The module at dotted <paramref name="path"/> ("" for this one), as <see cref="NamedModules"/> names it.</summary>
    public Module GetSubmodule(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var m = this;
        if (path.Length > 0)
            foreach (var name in path.Split('.'))
                m = m.Child(name) ?? throw new KeyNotFoundException($"{TypeName} has no submodule '{path}' (no child '{name}')");
        return m;
    }

    /// <summary>
    /// Replaces the module at <paramref name="path"/> with <paramref name="replacement"/> (PyTorch's
    /// <c>set_submodule</c>), in its parent's registry and in every field of the parent that held it; errors
    /// name the path. See the class remarks for what is updated and what fails.
    /// </summary>
    public void SetSubmodule(string path, Module replacement) => Replace(path, replacement, $"replaced by {replacement.TypeName}");

    /// <summary>Replaces this module's child <paramref name="name"/> like <see cref="SetSubmodule"/> does.</summary>
    public void ReplaceChild(string name, Module replacement) => Replace(name, replacement, $"replaced by {replacement.TypeName}");

    /// <summary>
    /// Throws unless the module at <paramref name="path"/> can be replaced by a module of
    /// <paramref name="replacementType"/> (a field too narrow, a child registered twice); changes nothing.
    /// Rewriters check every replacement first, so a refused one leaves the model as it was.
    /// </summary>
    public void CheckReplaceable(string path, Type replacementType)
    {
        ArgumentNullException.ThrowIfNull(replacementType);
        var (parent, name) = ParentOf(path);
        parent.CheckChildReplaceable(path, name, replacementType);
    }

    /// <summary>Replaces the module at <paramref name="path"/>; <paramref name="rewrite"/> says what happened, for a retired module's error.</summary>
    internal void Replace(string path, Module replacement, string rewrite)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var (parent, name) = ParentOf(path);
        parent.CheckChildReplaceable(path, name, replacement.GetType());
        var old = parent.Child(name)!;
        if (ReferenceEquals(old, replacement))
            return;
        foreach (var reference in parent.References(old))
            reference.Set(replacement);
        int i = parent.children.FindIndex(c => c.Name == name);
        parent.children[i] = (name, replacement);
        foreach (var chain in parent.parameterTransforms.Values)
            for (int j = 0; j < chain.Modules.Count; j++)
                if (ReferenceEquals(chain.Modules[j], old))
                    chain.Modules[j] = replacement;
        // The replacement now runs where it is registered: a wrapped or retired module put back is called directly again.
        (replacement.wrapper, replacement.retired) = (null, null);
        var holder = replacement.NamedModules().Select(m => m.Module).FirstOrDefault(m => m.Child(old) != null);
        if (holder != null)
            old.wrapper = holder;
        else if (!NamedModules().Any(m => ReferenceEquals(m.Module, old)))
            old.retired = $"{rewrite} at '{path}'";
    }

    (Module Parent, string Name) ParentOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int dot = path.LastIndexOf('.');
        return (GetSubmodule(dot < 0 ? "" : path[..dot]), path[(dot + 1)..]);
    }

    Module? Child(string name) => children.Find(c => c.Name == name).Module;

    string? Child(Module module) => children.Find(c => ReferenceEquals(c.Module, module)).Name;

    void CheckChildReplaceable(string path, string name, Type replacementType)
    {
        var old = Child(name) ?? throw new KeyNotFoundException($"cannot replace '{path}': {TypeName} has no child '{name}'");
        if (!typeof(Module).IsAssignableFrom(replacementType))
            throw new ArgumentException($"cannot replace '{path}' with {replacementType.Name}: not a module", nameof(replacementType));
        var references = References(old);
        if (references.Count > 0 && children.Count(c => ReferenceEquals(c.Module, old)) > 1)
            throw new InvalidOperationException(
                $"cannot replace '{path}' ({old.TypeName}): it is registered in {TypeName} under several names, so its fields ({string.Join(", ", references.Select(r => r.Name))}) are ambiguous");
        foreach (var r in references)
            if (!r.Declared.IsAssignableFrom(replacementType))
                throw new InvalidOperationException(
                    $"cannot replace '{path}' ({old.TypeName}) with {replacementType.Name}: {GetType().Name}.{r.Name} is declared {r.Declared.Name}, which cannot hold it; declare it as Module");
    }

    /// <summary>A place in this module's fields that holds a child: its name, its declared type and how to overwrite it.</summary>
    sealed record FieldReference(string Name, Type Declared, Action<object> Set);

    /// <summary>Every field (or element of an array or List held in a field) of this module's class and bases below Module that holds <paramref name="child"/>.</summary>
    List<FieldReference> References(Module child)
    {
        var found = new List<FieldReference>();
        foreach (var field in InstanceFields(GetType(), typeof(Module)))
        {
            if (field.FieldType.IsValueType || field.FieldType == typeof(string))
                continue;
            var value = field.GetValue(this);
            var name = FieldName(field);
            if (ReferenceEquals(value, child))
                found.Add(new(name, field.FieldType, v => field.SetValue(this, v)));
            else if (value is Array array && array.Rank == 1)
            {
                for (int i = 0; i < array.Length; i++)
                    if (ReferenceEquals(array.GetValue(i), child))
                    {
                        int at = i;
                        found.Add(new($"{name}[{i}]", array.GetType().GetElementType()!, v => array.SetValue(v, at)));
                    }
            }
            else if (value is IList list && value.GetType() is { IsGenericType: true } listType && listType.GetGenericTypeDefinition() == typeof(List<>))
            {
                for (int i = 0; i < list.Count; i++)
                    if (ReferenceEquals(list[i], child))
                    {
                        int at = i;
                        found.Add(new($"{name}[{i}]", listType.GetGenericArguments()[0], v => list[at] = v));
                    }
            }
        }
        return found;
    }

    /// <summary>
    /// Every instance field (any visibility, readonly and backing fields included) declared in <paramref name="type"/>
    /// and its bases, up to and excluding <paramref name="stop"/> (null: all bases): the walk a rewrite and <see cref="DeepCopy"/> share.
    /// </summary>
    static IEnumerable<FieldInfo> InstanceFields(Type type, Type? stop)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (var t = type; t != null && t != stop; t = t.BaseType)
            foreach (var field in t.GetFields(flags))
                yield return field;
    }

    /// <summary>The name a user wrote: an auto-property's or a captured constructor parameter's, not the compiler's field name.</summary>
    static string FieldName(FieldInfo field) => Regex.Replace(field.Name, "^<(.+)>(k__BackingField|P)$", "$1");
}
