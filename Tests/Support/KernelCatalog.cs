using System.Reflection;

namespace QSparse.Tests;

/// <summary>
/// The kernels of an assembly found by reflection, closed over every type argument their constraints allow:
/// a kernel is a static void method named *Kernel over one struct (what <see cref="Device.Kernel{TArgs}"/>
/// launches). A type parameter constrained to interfaces takes every struct of the assembly that satisfies
/// them (generic structs closed the same way, so ElementLoop.Kernel gets every element body over every op);
/// one constrained only to struct or unmanaged takes the element types the tensors use.
/// </summary>
public static class KernelCatalog
{
    /// <summary>Element types a plain <c>T : unmanaged</c> is closed over (bool masks are bytes, indices int and long).</summary>
    static readonly Type[] ElementTypes = [typeof(float), typeof(byte), typeof(int), typeof(uint), typeof(long)];

    /// <summary>How deep generic structs nest in type arguments (an op inside a body inside the element loop).</summary>
    const int MaxDepth = 3;

    /// <summary>Every kernel method of <paramref name="assembly"/>, closed over every allowed type argument.</summary>
    public static IReadOnlyList<MethodInfo> Enumerate(Assembly assembly)
    {
        var structs = assembly.GetTypes().Where(t => t.IsValueType && !t.IsEnum).ToArray();
        var kernels = new List<MethodInfo>();
        foreach (var method in assembly.GetTypes().SelectMany(t =>
                     t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)))
        {
            if (!IsKernel(method))
                continue;
            if (!method.IsGenericMethodDefinition)
                kernels.Add(method);
            else
                foreach (var arguments in Arguments(method.GetGenericArguments(), structs, MaxDepth))
                    if (TryMake(() => method.MakeGenericMethod(arguments)) is { } closed)
                        kernels.Add(closed);
        }
        return kernels;
    }

    /// <summary>The kernel's name with its type arguments, e.g. <c>ElementLoop.Kernel&lt;IlgpuElementwise.UnaryBody&lt;ExpOp&gt;&gt;</c>.</summary>
    public static string Name(MethodInfo kernel) =>
        $"{TypeName(kernel.DeclaringType!)}.{kernel.Name}{ArgumentList(kernel.IsGenericMethod ? kernel.GetGenericArguments() : [])}";

    static bool IsKernel(MethodInfo method) =>
        method.Name.EndsWith("Kernel", StringComparison.Ordinal) && method.ReturnType == typeof(void)
        && method.GetParameters() is [{ ParameterType.IsValueType: true }];

    /// <summary>Every combination of candidates for <paramref name="parameters"/> (constraints are checked when the generic is made).</summary>
    static IEnumerable<Type[]> Arguments(Type[] parameters, Type[] structs, int depth)
    {
        IEnumerable<Type[]> combinations = [[]];
        foreach (var parameter in parameters)
        {
            var candidates = Candidates(parameter, structs, depth).ToArray();
            combinations = combinations.SelectMany(prefix => candidates.Select(c => (Type[])[.. prefix, c])).ToArray();
        }
        return combinations;
    }

    static IEnumerable<Type> Candidates(Type parameter, Type[] structs, int depth)
    {
        var interfaces = parameter.GetGenericParameterConstraints().Where(c => c.IsInterface).ToArray();
        if (interfaces.Length == 0)
            return ElementTypes;
        return Closed(structs, depth - 1).Where(t => interfaces.All(i => Implements(t, i)));
    }

    /// <summary>The structs of the assembly, generic ones closed over their candidates (to <paramref name="depth"/> levels).</summary>
    static IEnumerable<Type> Closed(Type[] structs, int depth)
    {
        foreach (var type in structs)
        {
            if (!type.IsGenericTypeDefinition)
                yield return type;
            else if (depth > 0)
                foreach (var arguments in Arguments(type.GetGenericArguments(), structs, depth))
                    if (TryMake(() => type.MakeGenericType(arguments)) is { } closed)
                        yield return closed;
        }
    }

    /// <summary>True when <paramref name="type"/> implements <paramref name="constraint"/> or, for an open generic constraint, its definition.</summary>
    static bool Implements(Type type, Type constraint) =>
        type.GetInterfaces().Any(i => i == constraint
            || (constraint.IsGenericType && i.IsGenericType && i.GetGenericTypeDefinition() == constraint.GetGenericTypeDefinition()));

    /// <summary>The made generic, or null when the arguments break a constraint.</summary>
    static T? TryMake<T>(Func<T> make) where T : class
    {
        try
        {
            return make();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    static string TypeName(Type type)
    {
        string name = type.Name.Split('`')[0];
        if (type.IsGenericType)
            name += ArgumentList(type.GetGenericArguments()[(type.DeclaringType?.GetGenericArguments().Length ?? 0)..]);
        return type.IsNested ? $"{TypeName(type.DeclaringType!)}.{name}" : name;
    }

    static string ArgumentList(Type[] arguments) =>
        arguments.Length == 0 ? "" : $"<{string.Join(", ", arguments.Select(TypeName))}>";
}
