namespace Verity.Registry.Referrers;

/// <summary>Where a <see cref="ReferrerList"/> came from.</summary>
public enum ReferrersSource
{
    /// <summary>The OCI 1.1 referrers API, <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>.</summary>
    Api,

    /// <summary>The referrers tag schema (<c>&lt;alg&gt;-&lt;hex&gt;</c> tag holding an OCI index), after the API answered 404.</summary>
    TagSchema,

    /// <summary>Neither the API nor the fallback tag exists: there are no referrers.</summary>
    None,
}
