namespace Verity.Core.Configuration;

/// <summary>Which shape of Connaisseur configuration a file had.</summary>
public enum ConfigLayout
{
    /// <summary>Connaisseur v3 Helm values: <c>application.validators</c>, <c>application.policy</c>, …</summary>
    HelmValuesV3,

    /// <summary>Connaisseur v2 Helm values: top-level <c>validators</c>/<c>policy</c> with snake_case keys.</summary>
    HelmValuesV2,

    /// <summary>A bare file with top-level <c>validators</c>, <c>policy</c>, <c>features</c>.</summary>
    Bare,
}
