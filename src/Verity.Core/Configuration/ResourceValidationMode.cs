namespace Verity.Core.Configuration;

/// <summary><c>features.resourceValidationMode</c>.</summary>
public enum ResourceValidationMode
{
    /// <summary>Validate Pods and every workload kind that makes Pods.</summary>
    All,

    /// <summary>Validate Pods only; other kinds are admitted (with warnings), never mutated.</summary>
    PodsOnly,
}
