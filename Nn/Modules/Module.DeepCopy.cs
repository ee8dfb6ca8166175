using System.Collections.Concurrent;
using System.Reflection;
using KernelDevice = QSparse.Kernels.Device;

namespace QSparse.Nn;

public abstract partial class Module
{
    static readonly MethodInfo ShallowClone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;
    static readonly ConcurrentDictionary<Type, bool> HoldsReferencesCache = new();

    /// <summary>
    /// A copy of this module's whole tree (PyTorch's <c>copy.deepcopy(module)</c>), independent of the original:
    /// training the copy leaves the original byte-identical, and both continue identically from the same state.
    /// <para>
    /// Like Python's deepcopy it copies the object graph field by field (every instance field of every class,
    /// this one's registries included), each object reached twice copied once: a child or tensor shared in the
    /// original is shared in the copy, and every field, array element or collection entry that referenced a
    /// module or tensor of the original references its copy (so a user module's Forward calls the copy's children).
    /// Tensors become new tensors with the same values, dtype, device and requires-grad (and a copy of the
    /// gradient, if any), detached from every scope as parameters are. Training mode, QSPARSE state (decimals,
    /// masks, host step counters, collected windows) and rewrite marks (wrapped, retired) are copied.
    /// </para>
    /// <para>
    /// Shared, not copied: the <see cref="Device"/>, strings, types and delegates (as Python's deepcopy shares
    /// functions). Forward hooks are copied as PyTorch does: the copy runs the same hook delegates (a hook
    /// closing over an original module still sees that one), and a hook handle removes the hook from the
    /// original only. A field holding another disposable object or a native handle is an error naming it:
    /// its resources cannot be duplicated, and sharing them would tie the copy to the original.
    /// </para>
    /// </summary>
    public Module DeepCopy()
    {
        using var noGrad = Autograd.NoGrad();
        var copier = new GraphCopier();
        try
        {
            return (Module)copier.Copy(this, TypeName)!;
        }
        catch
        {
            copier.DisposeTensors();
            throw;
        }
    }

    /// <summary>One deep copy: the memo of what was copied to what.</summary>
    sealed class GraphCopier
    {
        readonly Dictionary<object, object> memo = new(ReferenceEqualityComparer.Instance);

        /// <summary>Releases the tensors copied so far (a copy that failed half way).</summary>
        public void DisposeTensors()
        {
            foreach (var t in memo.Values.OfType<Tensor>())
                t.Dispose();
        }

        /// <summary>The copy of <paramref name="value"/>; <paramref name="where"/> names it in errors ("Conv2d.cache").</summary>
        public object? Copy(object? value, string where)
        {
            if (value == null || value is string or KernelDevice or Type or Delegate || value.GetType() is { IsPrimitive: true } or { IsEnum: true })
                return value;
            if (memo.TryGetValue(value, out var done))
                return done;
            var type = value.GetType();
            if (value is Tensor t)
                return memo[t] = CopyTensor(t, where);
            if (value is IDisposable || value is System.Runtime.InteropServices.SafeHandle)
                throw new NotSupportedException($"cannot deep-copy {where}: it holds a {type.Name}, a disposable object whose resources a copy cannot duplicate");
            if (value is Array array)
                return CopyArray(array, where);
            if (type.IsValueType && !HoldsReferences(type))
                return value;
            var copy = ShallowClone.Invoke(value, null)!;
            // NOTE: the memo entry is made before the fields are copied, so a cycle (a child's wrapper) closes on the copy.
            if (!type.IsValueType)
                memo[value] = copy;
            string owner = value is Module m ? m.TypeName : type.Name;
            foreach (var field in InstanceFields(type, null))
            {
                if (field.FieldType.IsPointer || field.FieldType == typeof(IntPtr) || field.FieldType == typeof(UIntPtr))
                    throw new NotSupportedException($"cannot deep-copy {owner}.{FieldName(field)}: a native handle ({field.FieldType.Name}) cannot be copied");
                if (field.FieldType.IsValueType && !HoldsReferences(field.FieldType))
                    continue;
                var v = field.GetValue(value);
                var c = Copy(v, $"{owner}.{FieldName(field)}");
                if (!ReferenceEquals(v, c))
                    field.SetValue(copy, c);
            }
            return copy;
        }

        Array CopyArray(Array array, string where)
        {
            var copy = (Array)array.Clone();
            memo[array] = copy;
            var element = array.GetType().GetElementType()!;
            if (element.IsValueType && !HoldsReferences(element))
                return copy;
            if (array.Rank != 1)
                throw new NotSupportedException($"cannot deep-copy {where}: a {array.Rank}-dimensional array of {element.Name}");
            for (int i = 0; i < array.Length; i++)
                copy.SetValue(Copy(array.GetValue(i), $"{where}[{i}]"), i);
            return copy;
        }

        Tensor CopyTensor(Tensor t, string where)
        {
            var copy = t.Clone().DetachFromScope();
            copy.RequiresGrad = t.RequiresGrad;
            if (t.Grad != null)
                copy.Grad = (Tensor)Copy(t.Grad, $"{where}.grad")!;
            return copy;
        }

        /// <summary>True when a value of <paramref name="type"/> (a value type) holds references somewhere in its fields.</summary>
        static bool HoldsReferences(Type type) =>
            HoldsReferencesCache.GetOrAdd(type, t => !t.IsPrimitive && !t.IsEnum &&
                InstanceFields(t, null).Any(f => !f.FieldType.IsValueType || f.FieldType.IsPointer || f.FieldType == typeof(IntPtr) || HoldsReferences(f.FieldType)));
    }
}
