using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Verity.Testing;

namespace Verity.Tests.Architecture;

/// <summary>
/// Which namespace of <c>src/</c> uses which, as the C# compiler resolves every name (types, members, extension
/// methods, and names reached through a parent namespace without a <c>using</c>).
/// </summary>
internal sealed class NamespaceGraph
{
    private NamespaceGraph(IReadOnlyDictionary<string, SortedSet<string>> edges)
    {
        Edges = edges;
    }

    /// <summary>Namespace → the other Verity namespaces its code uses.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Edges { get; }

    public static NamespaceGraph OfSources() => Build(Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .Select(f => (f, File.ReadAllText(f))));

    public static NamespaceGraph Build(IEnumerable<(string Path, string Text)> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(GlobalUsings, parse, "GlobalUsings.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !Path.GetFileName(p).StartsWith("Verity", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(p).StartsWith("verity", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("graph", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var edges = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
            {
                var from = declaration.Name.ToString();
                if (!edges.TryGetValue(from, out var uses))
                {
                    edges[from] = uses = new SortedSet<string>(StringComparer.Ordinal);
                }

                foreach (var name in declaration.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    if (name.Parent is UsingDirectiveSyntax or QualifiedNameSyntax { Parent: UsingDirectiveSyntax })
                    {
                        continue;
                    }

                    var symbol = model.GetSymbolInfo(name).Symbol ?? model.GetSymbolInfo(name).CandidateSymbols.FirstOrDefault();
                    var ns = NamespaceOf(symbol);
                    if (ns is not null && ns != from && ns.StartsWith("Verity", StringComparison.Ordinal))
                    {
                        uses.Add(ns);
                    }
                }
            }
        }

        return new NamespaceGraph(edges);
    }

    /// <summary>Every group of namespaces that use each other, directly or through a chain (strongly connected components larger than one).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<IReadOnlyList<string>>();
        int counter = 0;

        void Visit(string node)
        {
            index[node] = low[node] = counter++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in Edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    result.Add(component);
                }
            }
        }

        foreach (var node in Edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return result;
    }

    /// <summary>Within a cycle, the uses that close it, for the failure message.</summary>
    public IEnumerable<string> Describe(IReadOnlyList<string> cycle) =>
        cycle.SelectMany(from => (Edges.GetValueOrDefault(from) ?? []).Where(cycle.Contains).Select(to => $"{from} -> {to}"));

    private static string? NamespaceOf(ISymbol? symbol)
    {
        symbol = symbol switch
        {
            null => null,
            INamespaceSymbol => null,
            ITypeSymbol type => type.OriginalDefinition,
            IMethodSymbol { ReducedFrom: { } extension } => extension.ContainingType,
            _ => symbol.ContainingType,
        };
        return symbol?.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
    }

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using System.Net.Http.Json;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;
}
