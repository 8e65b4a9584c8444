using System.Security.Cryptography;
using System.Text;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Rekor;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign.Rekor;

/// <summary>The signed note and checkpoint formats (transparency-dev formats, log/README.md).</summary>
public sealed class SignedNoteTests
{
    [Fact]
    public void Parse_RekorCheckpoint_SplitsTextAndSignatures()
    {
        var root = Convert.ToBase64String(new byte[32]);
        var envelope = $"rekor.example - 123\n7\n{root}\nTimestamp: 1\n\n\u2014 rekor.example AAAAAQID\n\u2014 witness AQIDBAUG\n";

        Assert.True(SignedNote.TryParse(envelope, out var note, out var error), error);
        Assert.Equal($"rekor.example - 123\n7\n{root}\nTimestamp: 1\n", note.Text);
        Assert.Equal(2, note.Signatures.Length);
        Assert.Equal("rekor.example", note.Signatures[0].Name);
        Assert.Equal([0, 0, 0, 1], note.Signatures[0].KeyHint.ToArray());
        Assert.Equal([2, 3], note.Signatures[0].Signature.ToArray());

        Assert.True(Checkpoint.TryParse(note.Text, out var checkpoint, out error), error);
        Assert.Equal("rekor.example - 123", checkpoint.Origin);
        Assert.Equal(7UL, checkpoint.Size);
        Assert.Equal(["Timestamp: 1"], checkpoint.Extensions);
    }

    [Theory]
    [InlineData("o\n1\nAAAA\n\u2014 n AAAAAQID\n", "no blank line")]
    [InlineData("o\n1\nAAAA\n\n\u2014 n AAAAAQID", "does not end with a newline")]
    [InlineData("o\n1\nAAAA\n\n- n AAAAAQID\n", "does not start with")]
    [InlineData("o\n1\nAAAA\n\n\u2014 n AAAA\n", "too short")]
    [InlineData("o\n1\nAAAA\n\n\u2014 n !!!!\n", "not base64")]
    public void Parse_MalformedNote_IsRefused(string envelope, string expected)
    {
        Assert.False(SignedNote.TryParse(envelope, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("o\n01\nROOT\n", "not a decimal")]
    [InlineData("o\n-1\nROOT\n", "not a decimal")]
    [InlineData("o\n1\nAAAA\n", "32 bytes")]
    [InlineData("o\n1\n", "needs an origin")]
    public void ParseCheckpoint_MalformedBody_IsRefused(string text, string expected)
    {
        Assert.False(Checkpoint.TryParse(text.Replace("ROOT", Convert.ToBase64String(new byte[32]), StringComparison.Ordinal), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSignedBy_LogKeyWithMatchingHint_OnlyThatKey()
    {
        using var logKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var log = TrustedMaterial.LogFromKey(VerificationKey.FromAsymmetricAlgorithm(logKey));
        var text = $"log - 1\n3\n{Convert.ToBase64String(new byte[32])}\n";
        var signature = logKey.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        string Envelope(byte[] hint, byte[] sig) => $"{text}\n\u2014 log {Convert.ToBase64String([.. hint, .. sig])}\n";

        Assert.True(SignedNote.TryParse(Envelope(log.LogId[..4].ToArray(), signature), out var good, out _));
        Assert.True(good.IsSignedBy(log));
        Assert.True(SignedNote.TryParse(Envelope([1, 2, 3, 4], signature), out var wrongHint, out _));
        Assert.False(wrongHint.IsSignedBy(log));
        Assert.True(SignedNote.TryParse(Envelope(log.LogId[..4].ToArray(), signature), out var note, out _));
        Assert.False(note.IsSignedBy(TrustedMaterial.LogFromKey(VerificationKey.FromAsymmetricAlgorithm(otherKey))));
        Assert.True(SignedNote.TryParse(Envelope(log.LogId[..4].ToArray(), signature).Replace("\n3\n", "\n4\n", StringComparison.Ordinal), out var altered, out _));
        Assert.False(altered.IsSignedBy(log));
    }
}
