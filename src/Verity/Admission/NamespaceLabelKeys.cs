namespace Verity.Admission;

/// <summary>The namespace labels of namespaced validation: Connaisseur's, so its users' labels keep working, and Verity's own.</summary>
internal static class NamespaceLabelKeys
{
    /// <summary>Connaisseur's label.</summary>
    public const string Connaisseur = "securesystemsengineering.connaisseur/webhook";

    /// <summary>Verity's label.</summary>
    public const string Verity = "verity.dev/webhook";
}
