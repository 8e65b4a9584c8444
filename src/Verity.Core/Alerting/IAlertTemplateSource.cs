namespace Verity.Core.Alerting;

/// <summary>Finds the text of an alert payload template by name (<c>slack</c>, or a custom template's name).</summary>
/// <remarks>
/// The executable's implementation serves the shipped templates from its resources and custom ones from a directory;
/// <c>PolicySnapshotProvider</c> asks it once per configuration load, never while alerts are sent.
/// </remarks>
public interface IAlertTemplateSource
{
    /// <summary>The template's text, or null (with <paramref name="problem"/> saying why) when it cannot be read.</summary>
    string? Find(string name, out string? problem);
}
