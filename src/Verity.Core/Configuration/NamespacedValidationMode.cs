namespace Verity.Core.Configuration;

/// <summary><c>features.namespacedValidation.mode</c>.</summary>
public enum NamespacedValidationMode
{
    /// <summary>Every namespace is validated.</summary>
    Off,

    /// <summary>Namespaces labelled <c>securesystemsengineering.connaisseur/webhook: ignore</c> are not validated.</summary>
    Ignore,

    /// <summary>Only namespaces labelled <c>securesystemsengineering.connaisseur/webhook: validate</c> are validated.</summary>
    Validate,
}
