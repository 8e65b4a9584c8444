using Verity.Validators.Cosign.Evidence;
using System.Security.Cryptography.X509Certificates;

namespace Verity.Validators.Tests.Cosign;

/// <summary>A keyless layer made by <see cref="TestSigstore.KeylessLayer"/> and its parts.</summary>
internal sealed record KeylessLayer(CosignSignatureLayer Layer, X509Certificate2 Leaf, byte[] Signature, byte[] Payload, LoggedEntry Entry);
