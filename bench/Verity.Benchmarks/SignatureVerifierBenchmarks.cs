using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Verity.Core.Trust;

namespace Verity.Benchmarks;

/// <summary>
/// One ECDSA P-256 signature check over a 1 KiB message (a small TUF file's signed part): importing the key for every
/// check, as <see cref="SignatureVerifier"/> did, against <see cref="SignatureVerifier.Verify"/> with the imported key
/// the <see cref="VerificationKey"/> keeps.
/// </summary>
[MemoryDiagnoser]
public class SignatureVerifierBenchmarks
{
    private readonly byte[] _message = new byte[1024];
    private ECDsa _signer = null!;
    private VerificationKey _key = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_message);
        _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _key = VerificationKey.FromAsymmetricAlgorithm(_signer);
        _signature = _signer.SignData(_message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    [GlobalCleanup]
    public void Cleanup() => _signer.Dispose();

    /// <summary>Baseline: import the key, verify, dispose — every check before the key kept its import.</summary>
    [Benchmark(Baseline = true)]
    public bool ImportThenVerify()
    {
        using var ecdsa = _key.CreateEcdsa();
        return ecdsa.VerifyData(_message, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>The check as <see cref="SignatureVerifier"/> makes it now.</summary>
    [Benchmark]
    public bool VerifyWithKeptImport() => SignatureVerifier.Verify(_key, _message, _signature, SignatureEncoding.EcdsaP1363);
}
