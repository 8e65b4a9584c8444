using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Cosign.Signatures;

/// <summary>A signature made with the key of a (Fulcio) certificate.</summary>
/// <param name="Leaf">The signing certificate.</param>
/// <param name="Chain">Certificates the signature carries besides the leaf; untrusted path candidates only.</param>
internal sealed record CertificateMaterial(X509Certificate2 Leaf, ImmutableArray<X509Certificate2> Chain) : VerificationMaterial;
