namespace Verity.Tests.Architecture;

/// <summary>The namespaces of <c>src/</c> depend on each other as a tree you can draw (docs/architecture.md).</summary>
public sealed class NamespaceDependencyTests
{
    [Fact]
    public void Sources_HaveNoNamespaceCycles()
    {
        var graph = NamespaceGraph.OfSources();

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "namespaces that use each other:\n" + string.Join("\n", cycles.Select(c => string.Join(", ", c) + ":\n  " + string.Join("\n  ", graph.Describe(c)))));
    }

    [Fact]
    public void Cycles_ThroughAChain_AreFound()
    {
        var graph = NamespaceGraph.Build(
        [
            ("a.cs", "namespace Verity.A; public class A { public Verity.B.B? Next; }"),
            ("b.cs", "namespace Verity.B; public class B { public Verity.C.C? Next; }"),
            ("c.cs", "namespace Verity.C; public class C { public Verity.A.A? Back; }"),
            ("d.cs", "namespace Verity.D; public class D { public Verity.A.A? Uses; }"),
        ]);

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["Verity.A", "Verity.B", "Verity.C"], cycle);
    }

    [Fact]
    public void ParentNamespace_UsedWithoutUsing_CountsAsADependency()
    {
        var graph = NamespaceGraph.Build(
        [
            ("p.cs", "namespace Verity.P; public class Parent { public Verity.P.Child.C? Down; }"),
            ("c.cs", "namespace Verity.P.Child; public class C { public Parent? Up; }"),
        ]);

        Assert.Equal(["Verity.P", "Verity.P.Child"], Assert.Single(graph.Cycles()));
    }
}
