namespace QSparse.Nn;

public abstract partial class Module
{
    /// <summary>
    /// Makes <paramref name="modules"/> this module's only children, named "0", "1", ... (the reference's
    /// <c>nn.Sequential(*modules)</c>, for FuseBn's rebuilt Sequentials). A module that was not a child here
    /// (moved up from a nested Sequential) now runs here, called by this module. Children left out are not
    /// retired here: the rewriter retires what it took out (<see cref="Retire"/>).
    /// </summary>
    internal void RenumberChildren(IReadOnlyList<Module> modules)
    {
        var old = children.Select(c => c.Module).ToList();
        children.Clear();
        for (int i = 0; i < modules.Count; i++)
        {
            children.Add((i.ToString(), modules[i]));
            if (!old.Any(m => ReferenceEquals(m, modules[i])))
                (modules[i].wrapper, modules[i].retired) = (null, null);
        }
    }

    /// <summary>Marks this module as taken out of its model by a rewrite: calling it is an error quoting <paramref name="rewrite"/>.</summary>
    internal void Retire(string rewrite) => retired = rewrite;
}
