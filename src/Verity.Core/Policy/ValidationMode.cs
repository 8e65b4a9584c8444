namespace Verity.Core.Policy;

/// <summary>What Verity does with a trusted digest (<c>with.mode</c>).</summary>
public enum ValidationMode
{
    /// <summary>Rewrite the image reference to the trusted digest (the default).</summary>
    Mutate,

    /// <summary>Validate, but leave the reference as written: the runtime may pull another digest.</summary>
    InsecureValidateOnly,
}
