using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Verity.Tests.Install;

/// <summary>
/// An interpreter for the subset of Helm's template language (Go text/template plus the Sprig functions) that
/// charts/verity uses, so that the chart can be rendered and compared with <c>verity manifests</c> where no helm binary
/// exists (docs/decisions/0016-install-chart-and-manifests.md).
/// </summary>
/// <remarks>
/// Values are null, bool, long, double, string, <see cref="Dictionary{TKey,TValue}"/> of string to object and
/// <see cref="List{T}"/> of object. A function or construct outside the subset is an error, never silently ignored, so
/// a template that starts using one fails the test until the interpreter learns it.
/// </remarks>
internal sealed class GoTemplate
{
    private readonly Dictionary<string, List<Node>> _defines = new(StringComparer.Ordinal);

    /// <summary>Loads template files (name → text); <c>define</c> blocks become includable.</summary>
    public Dictionary<string, List<Node>> Load(IReadOnlyDictionary<string, string> files)
    {
        var result = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            var items = Lex(text, name);
            var position = 0;
            var nodes = ParseList(items, ref position, out var end, name);
            if (end is not null)
            {
                throw new FormatException($"{name}: unexpected {{{{{end}}}}}");
            }

            result[name] = nodes;
        }

        return result;
    }

    /// <summary>Renders a loaded template with <paramref name="data"/> as <c>.</c> and <c>$</c>.</summary>
    public string Render(List<Node> nodes, object? data)
    {
        var output = new StringBuilder();
        Execute(nodes, new Scope(null, data, data), output);
        return output.ToString();
    }

    // ---------------------------------------------------------------- lexing

    private sealed record Item(bool IsAction, string Text);

    private static List<Item> Lex(string text, string name)
    {
        var items = new List<Item>();
        var i = 0;
        var trimNext = false;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var literal = open < 0 ? text[i..] : text[i..open];
            if (trimNext)
            {
                literal = literal.TrimStart(' ', '\t', '\r', '\n');
            }

            if (open < 0)
            {
                items.Add(new Item(false, literal));
                break;
            }

            var start = open + 2;
            if (start < text.Length && text[start] == '-' && start + 1 < text.Length && char.IsWhiteSpace(text[start + 1]))
            {
                literal = literal.TrimEnd(' ', '\t', '\r', '\n');
                start++;
            }

            items.Add(new Item(false, literal));
            var close = FindClose(text, start, name);
            var end = close;
            trimNext = false;
            if (close - 2 >= start && text[close - 1] == '-' && char.IsWhiteSpace(text[close - 2]))
            {
                end = close - 1;
                trimNext = true;
            }

            var action = text[start..end].Trim();
            if (!(action.StartsWith("/*", StringComparison.Ordinal) && action.EndsWith("*/", StringComparison.Ordinal)))
            {
                items.Add(new Item(true, action));
            }

            i = close + 2;
        }

        return items;
    }

    private static int FindClose(string text, int start, string name)
    {
        var inString = false;
        for (var i = start; i < text.Length - 1; i++)
        {
            if (inString)
            {
                if (text[i] == '\\')
                {
                    i++;
                }
                else if (text[i] == '"')
                {
                    inString = false;
                }
            }
            else if (text[i] == '"')
            {
                inString = true;
            }
            else if (text[i] == '/' && text[i + 1] == '*')
            {
                var endComment = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = endComment < 0 ? throw new FormatException($"{name}: unclosed comment") : endComment + 1;
            }
            else if (text[i] == '}' && text[i + 1] == '}')
            {
                return i;
            }
        }

        throw new FormatException($"{name}: unclosed action");
    }

    // ---------------------------------------------------------------- parsing

    internal abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record ActionNode(Pipeline Pipeline) : Node;

    private sealed record IfNode(List<(Pipeline Condition, List<Node> Body)> Branches, List<Node>? Else) : Node;

    private sealed record RangeNode(Pipeline Pipeline, List<Node> Body, List<Node>? Else) : Node;

    private sealed record WithNode(Pipeline Pipeline, List<Node> Body, List<Node>? Else) : Node;

    private sealed record Pipeline(List<string> Variables, bool Declare, List<List<Operand>> Commands);

    private abstract record Operand;

    private sealed record FieldOperand(string? Variable, string[] Fields) : Operand; // Variable null: dot

    private sealed record LiteralOperand(object? Value) : Operand;

    private sealed record FunctionOperand(string Name) : Operand;

    private sealed record SubPipeline(Pipeline Pipeline, string[] Fields) : Operand;

    private List<Node> ParseList(List<Item> items, ref int position, out string? end, string name)
    {
        var nodes = new List<Node>();
        while (position < items.Count)
        {
            var item = items[position++];
            if (!item.IsAction)
            {
                if (item.Text.Length > 0)
                {
                    nodes.Add(new TextNode(item.Text));
                }

                continue;
            }

            var action = item.Text;
            var keyword = action.Split(' ', 2)[0];
            var rest = action.Length > keyword.Length ? action[keyword.Length..].Trim() : string.Empty;
            switch (keyword)
            {
                case "end":
                case "else":
                    end = action;
                    return nodes;
                case "if":
                    nodes.Add(ParseIf(rest, items, ref position, name));
                    break;
                case "range":
                case "with":
                {
                    var body = ParseList(items, ref position, out var stop, name);
                    List<Node>? otherwise = null;
                    if (stop == "else")
                    {
                        otherwise = ParseList(items, ref position, out stop, name);
                    }

                    Expect(stop, "end", name);
                    var pipeline = ParsePipeline(rest, name);
                    nodes.Add(keyword == "range" ? new RangeNode(pipeline, body, otherwise) : new WithNode(pipeline, body, otherwise));
                    break;
                }

                case "define":
                {
                    var defineName = Unquote(Tokenize(rest, name)[0]);
                    var body = ParseList(items, ref position, out var stop, name);
                    Expect(stop, "end", name);
                    _defines[defineName] = body;
                    break;
                }

                default:
                    nodes.Add(new ActionNode(ParsePipeline(action, name)));
                    break;
            }
        }

        end = null;
        return nodes;
    }

    private IfNode ParseIf(string condition, List<Item> items, ref int position, string name)
    {
        var branches = new List<(Pipeline, List<Node>)>();
        List<Node>? otherwise = null;
        while (true)
        {
            var body = ParseList(items, ref position, out var stop, name);
            branches.Add((ParsePipeline(condition, name), body));
            if (stop is not null && stop.StartsWith("else if ", StringComparison.Ordinal))
            {
                condition = stop["else if ".Length..].Trim();
                continue;
            }

            if (stop == "else")
            {
                otherwise = ParseList(items, ref position, out stop, name);
            }

            Expect(stop, "end", name);
            return new IfNode(branches, otherwise);
        }
    }

    private static void Expect(string? actual, string expected, string name)
    {
        if (actual != expected)
        {
            throw new FormatException($"{name}: expected {{{{{expected}}}}}, found {(actual is null ? "the end" : $"{{{{{actual}}}}}")}");
        }
    }

    private static List<string> Tokenize(string text, string name)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or '|' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == ':' && i + 1 < text.Length && text[i + 1] == '=')
            {
                tokens.Add(":=");
                i += 2;
            }
            else if (c == '=')
            {
                tokens.Add("=");
                i++;
            }
            else if (c == '"')
            {
                var j = i + 1;
                while (j < text.Length && text[j] != '"')
                {
                    j += text[j] == '\\' ? 2 : 1;
                }

                tokens.Add(text[i..(j + 1)]);
                i = j + 1;
            }
            else
            {
                var j = i;
                while (j < text.Length && !char.IsWhiteSpace(text[j]) && text[j] is not ('(' or ')' or '|' or ',' or '='))
                {
                    j++;
                }

                if (j == i)
                {
                    throw new FormatException($"{name}: cannot read \"{text}\"");
                }

                tokens.Add(text[i..j]);
                i = j;
            }
        }

        return tokens;
    }

    private static Pipeline ParsePipeline(string text, string name)
    {
        var tokens = Tokenize(text, name);
        var position = 0;
        return ParsePipeline(tokens, ref position, name);
    }

    private static Pipeline ParsePipeline(List<string> tokens, ref int position, string name)
    {
        var variables = new List<string>();
        var declare = false;
        var lookahead = position;
        var candidates = new List<string>();
        while (lookahead < tokens.Count && tokens[lookahead].StartsWith('$') && !tokens[lookahead].Contains('.', StringComparison.Ordinal))
        {
            candidates.Add(tokens[lookahead++]);
            if (lookahead < tokens.Count && tokens[lookahead] == ",")
            {
                lookahead++;
                continue;
            }

            break;
        }

        if (candidates.Count > 0 && lookahead < tokens.Count && tokens[lookahead] is ":=" or "=")
        {
            variables = candidates;
            declare = tokens[lookahead] == ":=";
            position = lookahead + 1;
        }

        var commands = new List<List<Operand>> { new() };
        while (position < tokens.Count && tokens[position] != ")")
        {
            var token = tokens[position++];
            if (token == "|")
            {
                commands.Add([]);
            }
            else if (token == "(")
            {
                var inner = ParsePipeline(tokens, ref position, name);
                if (position >= tokens.Count || tokens[position] != ")")
                {
                    throw new FormatException($"{name}: unclosed (");
                }

                position++;
                commands[^1].Add(new SubPipeline(inner, []));
            }
            else
            {
                commands[^1].Add(ParseOperand(token, name));
            }
        }

        return new Pipeline(variables, declare, commands);
    }

    private static Operand ParseOperand(string token, string name)
    {
        if (token.StartsWith('"'))
        {
            return new LiteralOperand(Unquote(token));
        }

        if (token == ".")
        {
            return new FieldOperand(null, []);
        }

        if (token.StartsWith('.'))
        {
            return new FieldOperand(null, token[1..].Split('.'));
        }

        if (token.StartsWith('$'))
        {
            var parts = token.Split('.');
            return new FieldOperand(parts[0], parts[1..]);
        }

        if (token is "true" or "false")
        {
            return new LiteralOperand(token == "true");
        }

        if (token == "nil")
        {
            return new LiteralOperand(null);
        }

        if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return new LiteralOperand(number);
        }

        return char.IsLetter(token[0]) ? new FunctionOperand(token) : throw new FormatException($"{name}: cannot read \"{token}\"");
    }

    private static string Unquote(string token)
    {
        var text = new StringBuilder();
        for (var i = 1; i < token.Length - 1; i++)
        {
            if (token[i] == '\\')
            {
                i++;
                text.Append(token[i] switch { 'n' => '\n', 't' => '\t', var c => c });
            }
            else
            {
                text.Append(token[i]);
            }
        }

        return text.ToString();
    }

    // ---------------------------------------------------------------- execution

    private sealed class Scope(Scope? parent, object? dot, object? root)
    {
        private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

        public object? Dot { get; } = dot;

        public object? Root { get; } = root;

        public Scope Child(object? dot) => new(this, dot, Root);

        public void Declare(string name, object? value) => _variables[name] = value;

        public void Assign(string name, object? value)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._variables.ContainsKey(name))
                {
                    scope._variables[name] = value;
                    return;
                }
            }

            throw new FormatException($"undefined variable {name}");
        }

        public object? Get(string name)
        {
            if (name == "$")
            {
                return Root;
            }

            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._variables.TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            throw new FormatException($"undefined variable {name}");
        }

        private Scope? Parent { get; } = parent;
    }

    private void Execute(List<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode action:
                    var value = Evaluate(action.Pipeline, scope);
                    if (action.Pipeline.Variables.Count == 0)
                    {
                        output.Append(Print(value));
                    }

                    break;
                case IfNode branch:
                    var done = false;
                    foreach (var (condition, body) in branch.Branches)
                    {
                        if (Truthy(Evaluate(condition, scope)))
                        {
                            Execute(body, scope.Child(scope.Dot), output);
                            done = true;
                            break;
                        }
                    }

                    if (!done && branch.Else is not null)
                    {
                        Execute(branch.Else, scope.Child(scope.Dot), output);
                    }

                    break;
                case WithNode with:
                    var subject = Evaluate(with.Pipeline with { Variables = [] }, scope);
                    if (Truthy(subject))
                    {
                        Execute(with.Body, scope.Child(subject), output);
                    }
                    else if (with.Else is not null)
                    {
                        Execute(with.Else, scope.Child(scope.Dot), output);
                    }

                    break;
                case RangeNode range:
                    var collection = Evaluate(range.Pipeline with { Variables = [] }, scope);
                    var entries = collection switch
                    {
                        null => [],
                        List<object?> list => list.Select((v, i) => ((object?)(long)i, v)).ToList(),
                        Dictionary<string, object?> map => map.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => ((object?)e.Key, e.Value)).ToList(),
                        _ => throw new FormatException($"range over {collection.GetType().Name}"),
                    };
                    if (entries.Count == 0 && range.Else is not null)
                    {
                        Execute(range.Else, scope.Child(scope.Dot), output);
                    }

                    foreach (var (key, element) in entries)
                    {
                        var inner = scope.Child(element);
                        if (range.Pipeline.Variables.Count == 1)
                        {
                            inner.Declare(range.Pipeline.Variables[0], element);
                        }
                        else if (range.Pipeline.Variables.Count == 2)
                        {
                            inner.Declare(range.Pipeline.Variables[0], key);
                            inner.Declare(range.Pipeline.Variables[1], element);
                        }

                        Execute(range.Body, inner, output);
                    }

                    break;
            }
        }
    }

    private object? Evaluate(Pipeline pipeline, Scope scope)
    {
        object? value = null;
        var first = true;
        foreach (var command in pipeline.Commands)
        {
            value = EvaluateCommand(command, scope, first ? null : new Box(value));
            first = false;
        }

        if (pipeline.Variables.Count == 1)
        {
            if (pipeline.Declare)
            {
                scope.Declare(pipeline.Variables[0], value);
            }
            else
            {
                scope.Assign(pipeline.Variables[0], value);
            }
        }

        return value;
    }

    private sealed record Box(object? Value);

    private object? EvaluateCommand(List<Operand> command, Scope scope, Box? piped)
    {
        if (command.Count == 0)
        {
            throw new FormatException("empty command");
        }

        if (command[0] is FunctionOperand function)
        {
            var args = command.Skip(1).Select(o => EvaluateOperand(o, scope)).ToList();
            if (piped is not null)
            {
                args.Add(piped.Value);
            }

            return Call(function.Name, args, scope);
        }

        if (command.Count > 1 || piped is not null)
        {
            throw new FormatException("arguments given to a value that is not a function");
        }

        return EvaluateOperand(command[0], scope);
    }

    private object? EvaluateOperand(Operand operand, Scope scope) => operand switch
    {
        LiteralOperand literal => literal.Value,
        FunctionOperand function => Call(function.Name, [], scope),
        SubPipeline sub => Fields(Evaluate(sub.Pipeline, scope), sub.Fields),
        FieldOperand field => Fields(field.Variable is null ? scope.Dot : scope.Get(field.Variable), field.Fields),
        _ => throw new FormatException("unknown operand"),
    };

    private static object? Fields(object? value, string[] fields)
    {
        foreach (var field in fields)
        {
            value = value switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(field),
                GoCertificate certificate => field switch
                {
                    "Cert" => certificate.Cert,
                    "Key" => certificate.Key,
                    _ => throw new FormatException($"a certificate has no field {field}"),
                },
                null => null,
                _ => throw new FormatException($"cannot read field {field} of a {value.GetType().Name}"),
            };
        }

        return value;
    }

    /// <summary>A certificate from genCA/genSignedCert: <c>.Cert</c> and <c>.Key</c> in PEM.</summary>
    internal sealed record GoCertificate(string Cert, string Key, X509Certificate2 Certificate);

    private object? Call(string name, List<object?> a, Scope scope)
    {
        switch (name)
        {
            case "include":
                var template = _defines.GetValueOrDefault((string)a[0]!) ?? throw new FormatException($"no template \"{a[0]}\"");
                var output = new StringBuilder();
                Execute(template, new Scope(null, a[1], a[1]), output);
                return output.ToString();
            case "toYaml": return Yaml(a[0], 0).TrimEnd('\n');
            case "fromYaml": return FromYaml((string)a[0]!);
            case "nindent": return "\n" + Indent(Convert.ToInt32(a[0], CultureInfo.InvariantCulture), Print(a[1]));
            case "indent": return Indent(Convert.ToInt32(a[0], CultureInfo.InvariantCulture), Print(a[1]));
            case "quote": return "\"" + Print(a[0]).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
            case "default": return Truthy(a.Count > 1 ? a[1] : null) ? a[1] : a[0];
            case "dict":
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i + 1 < a.Count; i += 2)
                {
                    dict[Print(a[i])] = a[i + 1];
                }

                return dict;
            case "list": return a.ToList();
            case "get": return ((Dictionary<string, object?>)a[0]!).TryGetValue(Print(a[1]), out var got) ? got : string.Empty;
            case "set": ((Dictionary<string, object?>)a[0]!)[Print(a[1])] = a[2]; return a[0];
            case "hasKey": return a[0] is Dictionary<string, object?> m && m.ContainsKey(Print(a[1]));
            case "dig":
                object? current = a[^1];
                for (var i = 0; i < a.Count - 2; i++)
                {
                    if (current is not Dictionary<string, object?> level || !level.TryGetValue(Print(a[i]), out current))
                    {
                        return a[^2];
                    }
                }

                return current;
            case "kindIs": return Kind(a[1]) == (string)a[0]!;
            case "toString": return a[0] is null ? "<nil>" : Print(a[0]);
            case "lower": return Print(a[0]).ToLowerInvariant();
            case "printf": return Printf((string)a[0]!, a.Skip(1).ToList());
            case "b64enc": return Convert.ToBase64String(Encoding.UTF8.GetBytes(Print(a[0])));
            case "b64dec": return Encoding.UTF8.GetString(Convert.FromBase64String(Print(a[0])));
            case "eq": return a.Skip(1).Any(x => Same(a[0], x));
            case "ne": return !Same(a[0], a[1]);
            case "and": return a.FirstOrDefault(x => !Truthy(x), a[^1]);
            case "or": return a.FirstOrDefault(Truthy, a[^1]);
            case "not": return !Truthy(a[0]);
            case "hasPrefix": return Print(a[1]).StartsWith(Print(a[0]), StringComparison.Ordinal);
            case "trimPrefix": return Print(a[1]).StartsWith(Print(a[0]), StringComparison.Ordinal) ? Print(a[1])[Print(a[0]).Length..] : Print(a[1]);
            case "splitList": return Print(a[1]).Split(Print(a[0])).Select(s => (object?)s).ToList();
            case "index": return a[0] is List<object?> l ? l[Convert.ToInt32(a[1], CultureInfo.InvariantCulture)] : ((Dictionary<string, object?>)a[0]!).GetValueOrDefault(Print(a[1]));
            case "append": return ((List<object?>)a[0]!).Append(a[1]).ToList();
            case "uniq": return ((List<object?>)a[0]!).DistinctBy(Print).ToList();
            case "sortAlpha": return ((List<object?>)a[0]!).OrderBy(Print, StringComparer.Ordinal).ToList();
            case "has": return ((List<object?>)a[1]!).Any(x => Same(x, a[0]));
            case "deepCopy": return FromYaml(Yaml(a[0], 0));
            case "fail": throw new TemplateFailure(Print(a[0]));
            case "lookup": return new Dictionary<string, object?>(StringComparer.Ordinal);
            case "randAlphaNum":
                return RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", Convert.ToInt32(a[0], CultureInfo.InvariantCulture));
            case "sha256sum": return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Print(a[0]))));
            case "genCA": return GenerateCa(Print(a[0]), Convert.ToInt32(a[1], CultureInfo.InvariantCulture));
            case "genSignedCert":
                return GenerateSigned(Print(a[0]), ((List<object?>)a[2]!).Select(Print).ToList(), Convert.ToInt32(a[3], CultureInfo.InvariantCulture), (GoCertificate)a[4]!);
            default:
                _ = scope;
                throw new FormatException($"the chart uses the function \"{name}\", which this interpreter does not know");
        }
    }

    /// <summary>What <c>fail</c> raises.</summary>
    internal sealed class TemplateFailure(string message) : Exception(message);

    private static string Kind(object? value) => value switch
    {
        null => "invalid",
        Dictionary<string, object?> => "map",
        List<object?> => "slice",
        string => "string",
        bool => "bool",
        long => "int64",
        double => "float64",
        _ => "ptr",
    };

    private static bool Same(object? x, object? y) => (x, y) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (long or double, long or double) => Convert.ToDouble(x, CultureInfo.InvariantCulture) == Convert.ToDouble(y, CultureInfo.InvariantCulture),
        _ => x.GetType() == y.GetType() && Equals(x, y),
    };

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        Dictionary<string, object?> m => m.Count > 0,
        List<object?> l => l.Count > 0,
        _ => true,
    };

    private static string Print(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        _ => throw new FormatException($"cannot print a {value.GetType().Name}"),
    };

    private static string Printf(string format, List<object?> args)
    {
        var text = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '%' && i + 1 < format.Length)
            {
                i++;
                text.Append(format[i] is 's' or 'd' or 'v' ? Print(args[next++]) : throw new FormatException($"printf %{format[i]}"));
            }
            else
            {
                text.Append(format[i]);
            }
        }

        return text.ToString();
    }

    private static string Indent(int count, string text)
    {
        var pad = new string(' ', count);
        return string.Join('\n', text.Split('\n').Select(line => pad + line));
    }

    /// <summary>Helm's toYaml, for the values this interpreter holds: sorted keys, every string double-quoted (type-safe).</summary>
    private static string Yaml(object? value, int indent)
    {
        var pad = new string(' ', indent);
        switch (value)
        {
            case Dictionary<string, object?> { Count: 0 }:
                return "{}\n";
            case List<object?> { Count: 0 }:
                return "[]\n";
            case Dictionary<string, object?> map:
                var text = new StringBuilder();
                foreach (var (key, item) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    text.Append(pad).Append(Scalar(key)).Append(':');
                    text.Append(item is Dictionary<string, object?> { Count: > 0 } or List<object?> { Count: > 0 } ? "\n" + Yaml(item, indent + 2) : " " + Yaml(item, indent + 2));
                }

                return text.ToString();
            case List<object?> list:
                var items = new StringBuilder();
                foreach (var item in list)
                {
                    var nested = Yaml(item, indent + 2);
                    items.Append(pad).Append("- ").Append(item is Dictionary<string, object?> { Count: > 0 } or List<object?> { Count: > 0 } ? nested.TrimStart(' ') : nested);
                }

                return items.ToString();
            default:
                return Scalar(value) + "\n";
        }
    }

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        string s => System.Text.Json.JsonSerializer.Serialize(s),
        GoCertificate => throw new FormatException("toYaml of a certificate"),
        _ => Print(value),
    };

    private static object? FromYaml(string text)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new Dictionary<string, object?>(StringComparer.Ordinal) : FromJson(Verity.Install.HelmValues.Json(stream.Documents[0].RootNode));
    }

    /// <summary>A JSON node as this interpreter's values.</summary>
    public static object? FromJson(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        null => null,
        System.Text.Json.Nodes.JsonObject o => o.ToDictionary(e => e.Key, e => FromJson(e.Value), StringComparer.Ordinal),
        System.Text.Json.Nodes.JsonArray a => a.Select(FromJson).ToList(),
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<bool>(out var b) => b,
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<long>(out var l) => l,
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<double>(out var d) => d,
        System.Text.Json.Nodes.JsonValue v => v.GetValue<string>(),
        _ => throw new FormatException("unknown JSON node"),
    };

    private static GoCertificate GenerateCa(string commonName, int days)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var now = TimeProvider.System.GetUtcNow();
        var certificate = request.CreateSelfSigned(now, now.AddDays(days));
        return new GoCertificate(certificate.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n", certificate);
    }

    private static GoCertificate GenerateSigned(string commonName, List<string> dnsNames, int days, GoCertificate ca)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        dnsNames.ForEach(san.AddDnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = TimeProvider.System.GetUtcNow();
        var notAfter = now.AddDays(days) < ca.Certificate.NotAfter ? now.AddDays(days) : new DateTimeOffset(ca.Certificate.NotAfter);
        using var certificate = request.Create(ca.Certificate, now, notAfter, RandomNumberGenerator.GetBytes(16));
        var withKey = certificate.CopyWithPrivateKey(key);
        return new GoCertificate(certificate.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n", withKey);
    }
}
