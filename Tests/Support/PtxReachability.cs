using System.Text.RegularExpressions;

namespace QSparse.Tests;

/// <summary>
/// The PTX a kernel can execute: the functions reachable from the module's entry through <c>call</c>, and in each
/// only the instructions control can reach. NOTE: ILGPU folds an accelerator check such as
/// <c>CudaAsm.IsSupported</c> into a constant predicate (<c>mov.pred %p4, 0; @%p4 bra L</c>) after its last
/// dead-branch pass, so the PTX still holds the fallback that ptxas then removes; a check on what runs must skip it.
/// </summary>
public static partial class PtxReachability
{
    /// <summary>The reachable instructions of each function reachable from the module's entry (the entry first), by name.</summary>
    public static IReadOnlyDictionary<string, string> Reachable(string ptx)
    {
        var functions = Functions(ptx);
        var entry = EntryHeader().Match(ptx);
        if (!entry.Success)
            throw new ArgumentException("the PTX module has no .entry", nameof(ptx));
        var reached = new Dictionary<string, string>();
        var pending = new Stack<string>([entry.Groups["name"].Value]);
        while (pending.TryPop(out var name))
        {
            if (reached.ContainsKey(name) || !functions.TryGetValue(name, out var body))
                continue;
            var code = ReachableInstructions(body);
            reached[name] = code;
            foreach (Match call in Call().Matches(code))
                pending.Push(call.Groups["name"].Value);
        }
        return reached;
    }

    /// <summary>The instructions of one function body that control reaches from its start, one a line.</summary>
    static string ReachableInstructions(string body)
    {
        var lines = body.Split('\n').Select(l => l.Split("//")[0].Trim()).ToArray();
        // NOTE: an indexed branch (brx.idx) jumps through a table: keep the whole body rather than model it.
        if (lines.Any(l => l.Contains("brx.idx", StringComparison.Ordinal)))
            return string.Join('\n', lines);
        var labels = new Dictionary<string, int>();
        for (int i = 0; i < lines.Length; i++)
            if (Label().Match(lines[i]) is { Success: true } label)
                labels[label.Groups["name"].Value] = i;
        var constants = ConstantPredicates(lines);
        var reached = new bool[lines.Length];
        var pending = new Stack<int>([0]);
        while (pending.TryPop(out int i))
        {
            for (; i < lines.Length && !reached[i]; i++)
            {
                reached[i] = true;
                var jump = Branch().Match(lines[i]);
                if (jump.Success)
                {
                    bool? taken = jump.Groups["pred"].Success
                        ? constants.TryGetValue(jump.Groups["pred"].Value, out bool value) ? value ^ jump.Groups["not"].Success : null
                        : true;
                    if (taken != false)
                        pending.Push(labels[jump.Groups["target"].Value]);
                    if (taken == true)
                        break;
                }
                else if (Return().IsMatch(lines[i]))
                    break;
            }
        }
        return string.Join('\n', lines.Where((_, i) => reached[i]));
    }

    /// <summary>Predicate registers whose every definition is <c>mov.pred %pN, 0</c> (or every one 1), with that value.</summary>
    static Dictionary<string, bool> ConstantPredicates(string[] lines)
    {
        var values = new Dictionary<string, bool?>();
        foreach (var line in lines)
        {
            var instruction = Instruction().Match(line);
            if (!instruction.Success)
                continue;
            bool? value = instruction.Groups["op"].Value == "mov.pred" && instruction.Groups["source"].Value is "0" or "1"
                ? instruction.Groups["source"].Value == "1" : null;
            foreach (var destination in instruction.Groups["dest"].Value.Split('|'))
                if (destination.StartsWith("%p", StringComparison.Ordinal))
                    values[destination] = values.TryGetValue(destination, out var earlier) && earlier != value ? null : value;
        }
        return values.Where(v => v.Value.HasValue).ToDictionary(v => v.Key, v => v.Value!.Value);
    }

    /// <summary>Every defined function (entry or .func) → its body between braces; declarations without a body are left out.</summary>
    static Dictionary<string, string> Functions(string ptx)
    {
        var functions = new Dictionary<string, string>();
        foreach (Match header in FunctionHeader().Matches(ptx))
        {
            // Past the parameter list, a body opens with '{'; a declaration ends with ';'.
            int at = CloseParen(ptx, header.Index + header.Length - 1);
            int open = ptx.IndexOfAny(['{', ';'], at);
            if (open < 0 || ptx[open] == ';')
                continue;
            int depth = 0, end = open;
            do
                depth += ptx[end] == '{' ? 1 : ptx[end] == '}' ? -1 : 0;
            while (depth > 0 && ++end < ptx.Length);
            functions[header.Groups["name"].Value] = ptx[(open + 1)..end];
        }
        return functions;
    }

    /// <summary>The index past the ')' matching the '(' at <paramref name="open"/>.</summary>
    static int CloseParen(string text, int open)
    {
        int depth = 0, i = open;
        do
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
        while (depth > 0 && ++i < text.Length);
        return i + 1;
    }

    // A function header: optional linkage, .entry or .func, an optional return parameter list, the name, '('.
    [GeneratedRegex(@"^\s*(?:\.(?:visible|weak|extern)\s+)*\.(?:entry|func)\s+(?:\([^)]*\)\s*)?(?<name>[\w$]+)\s*\(", RegexOptions.Multiline)]
    private static partial Regex FunctionHeader();

    [GeneratedRegex(@"^\s*(?:\.(?:visible|weak)\s+)*\.entry\s+(?<name>[\w$]+)", RegexOptions.Multiline)]
    private static partial Regex EntryHeader();

    // call{.uni} {(ret),} name{, (args)};
    [GeneratedRegex(@"\bcall(?:\.uni)?\s+(?:\([^)]*\)\s*,\s*)?(?<name>[\w$]+)")]
    private static partial Regex Call();

    [GeneratedRegex(@"^(?<name>[\w$]+):$")]
    private static partial Regex Label();

    // {@{!}%pN} bra{.uni} target;
    [GeneratedRegex(@"^(?:@(?<not>!)?(?<pred>%p\d+)\s+)?bra(?:\.uni)?\s+(?<target>[\w$]+)\s*;")]
    private static partial Regex Branch();

    [GeneratedRegex(@"^(?:ret|exit)(?:\.uni)?\s*;")]
    private static partial Regex Return();

    // {@{!}%pN} op destination{, source, ...};
    [GeneratedRegex(@"^(?:@!?%p\d+\s+)?(?<op>[a-z][\w.]*)\s+(?<dest>[^,;\s]+)\s*(?:,\s*(?<source>[^,;\s]+))?")]
    private static partial Regex Instruction();
}
