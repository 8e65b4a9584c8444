using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Verity.Core.Trust;
using Verity.Validators.Cosign.Rekor;
using Verity.Validators.Cosign.TrustedRoot;

namespace Verity.Validators.Tests.Cosign.Rekor;

/// <summary>
/// The signed note and checkpoint formats (C2SP signed-note, tlog-checkpoint), and finding the log's own signature among
/// witness cosignatures (C2SP tlog-cosignature) and other signers' lines, on the Rekor v1 and v2 paths.
/// </summary>
public sealed class SignedNoteTests
{
    private const string LogName = "log.verity.test";

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

        Assert.True(Parse(Envelope(log.LogId[..4].ToArray(), signature)).IsSignedBy(log, out var problem), problem);
        Assert.False(Parse(Envelope([1, 2, 3, 4], signature)).IsSignedBy(log, out _));
        Assert.False(Parse(Envelope(log.LogId[..4].ToArray(), signature)).IsSignedBy(TrustedMaterial.LogFromKey(VerificationKey.FromAsymmetricAlgorithm(otherKey)), out _));
        Assert.False(Parse(Envelope(log.LogId[..4].ToArray(), signature).Replace("\n3\n", "\n4\n", StringComparison.Ordinal)).IsSignedBy(log, out _));
    }

    [Fact]
    public void IsSignedByV2_C2spSpecificationExample_VerifiesWithItsKeyId()
    {
        // The example of C2SP signed-note, "Verifier keys": vkey example.com/foo+530d903a+<0x01 || Ed25519 key>.
        var vkey = Convert.FromBase64String("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        Assert.Equal(0x01, vkey[0]);
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(new Ed25519PublicKeyParameters(vkey, 1)).GetDerEncoded();
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var key, out var error), error);
        var note = Parse("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");

        Assert.Equal("530d903a", Convert.ToHexStringLower(NoteVerifier.ComputeKeyId(key, "example.com/foo")));
        Assert.True(note.IsSignedByV2(TrustedMaterial.LogFromKey(key), "example.com/foo", out var problem), problem);
        Assert.False(note.IsSignedByV2(TrustedMaterial.LogFromKey(key), "example.com/bar", out _));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    public void IsSignedByV2_LogSignatureWithWitnessCosignatures_Verifies(string kind)
    {
        using var logKey = TestLogKey.Create(kind);
        var text = CheckpointText(LogName);
        var witnessed = text + "\n"
            + new TestWitness("witness.example/w1").Cosign(text)
            + logKey.Line(LogName, text)
            + new TestWitness("witness.example/w2").Cosign(text)
            + UnknownTypeLine("witness.example/pq", text);

        Assert.True(Parse(witnessed).IsSignedByV2(LogOf(logKey), LogName, out var problem), problem);
    }

    [Fact]
    public void CheckpointSignedByAWitnessNotTheLog_Rejected()
    {
        // Witnesses vouch for consistency; only the log's own signature says the log committed to this tree.
        using var logKey = TestLogKey.Create("ed25519");
        var witness = new TestWitness("witness.example/w1");
        var text = CheckpointText(LogName);
        var note = Parse(text + "\n" + witness.Cosign(text) + witness.SignAsLog(text));

        Assert.False(note.IsSignedByV2(LogOf(logKey), LogName, out var problem));
        Assert.Equal($"no signature line has the name {LogName} and key ID {Convert.ToHexStringLower(logKey.KeyId(LogName))} (2 lines are by other signers)", problem);
    }

    [Fact]
    public void CheckpointSignedByAnotherKeyUnderTheLogsName_Rejected()
    {
        // A key that signs under the log's name is still not the log's key: its line has another key ID and is skipped.
        using var logKey = TestLogKey.Create("ed25519");
        using var impostor = TestLogKey.Create("ed25519");
        var text = CheckpointText(LogName);

        Assert.False(Parse(text + "\n" + impostor.Line(LogName, text)).IsSignedByV2(LogOf(logKey), LogName, out var problem));
        Assert.Contains("(1 line is by other signers)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSignedByV2_LineUnderTheLogsNameWithAnotherKeyId_SkippedAndTheLogsLineCounts()
    {
        using var logKey = TestLogKey.Create("ed25519");
        using var rotated = TestLogKey.Create("ed25519");
        var text = CheckpointText(LogName);
        var garbage = TestLogKey.NoteLine(LogName, rotated.KeyId(LogName), RandomNumberGenerator.GetBytes(64));

        Assert.True(Parse(text + "\n" + garbage + logKey.Line(LogName, text)).IsSignedByV2(LogOf(logKey), LogName, out var problem), problem);
    }

    [Fact]
    public void CheckpointWithAFailingLogSignatureBeforeAGoodOne_RejectedWhole()
    {
        // C2SP signed-note: "If a signature from a known key fails to verify, clients SHOULD reject the whole note"; Verity does, as
        // golang.org/x/mod/sumdb/note does. A good line after it does not rescue the note.
        using var logKey = TestLogKey.Create("ed25519");
        var text = CheckpointText(LogName);
        var bad = TestLogKey.NoteLine(LogName, logKey.KeyId(LogName), logKey.Sign(text + "tampered"));
        var good = logKey.Line(LogName, text);

        Assert.False(Parse(text + "\n" + bad + good).IsSignedByV2(LogOf(logKey), LogName, out var problem));
        Assert.Equal($"the signature line under the name {LogName} with key ID {Convert.ToHexStringLower(logKey.KeyId(LogName))} does not verify", problem);
        Assert.False(Parse(text + "\n" + good + bad).IsSignedByV2(LogOf(logKey), LogName, out _));
        Assert.True(Parse(text + "\n" + good + good).IsSignedByV2(LogOf(logKey), LogName, out problem), problem);
    }

    [Fact]
    public void IsSignedByV2_CheckpointKeyIdOfTheTrustedRoot_PicksTheLogsLine()
    {
        using var logKey = TestLogKey.Create("ed25519");
        var text = CheckpointText(LogName);
        byte[] rootKeyId = [0xC0, 0xFF, 0xEE, 0x01];
        var log = LogOf(logKey) with { CheckpointKeyId = rootKeyId };

        Assert.True(Parse(text + "\n" + TestLogKey.NoteLine(LogName, rootKeyId, logKey.Sign(text))).IsSignedByV2(log, LogName, out var problem), problem);
        Assert.False(Parse(text + "\n" + logKey.Line(LogName, text)).IsSignedByV2(log, LogName, out problem));
        Assert.Contains("key ID c0ffee01", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSignedByV2_RsaSignatureWithPss_NotTheAlgorithmTheKeyIdNames()
    {
        // The RSA key ID names PKIX-RSA-PKCS#1v1.5: a PSS signature by the same key is not the log's checkpoint signature.
        using var rsa = RSA.Create(2048);
        var key = VerificationKey.FromAsymmetricAlgorithm(rsa);
        var text = CheckpointText(LogName);
        var pss = rsa.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        var pkcs1 = rsa.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var log = TrustedMaterial.LogFromKey(key, "https://" + LogName);

        Assert.False(Parse(text + "\n" + TestLogKey.NoteLine(LogName, NoteVerifier.ComputeKeyId(key, LogName), pss)).IsSignedByV2(log, LogName, out _));
        Assert.True(Parse(text + "\n" + TestLogKey.NoteLine(LogName, NoteVerifier.ComputeKeyId(key, LogName), pkcs1)).IsSignedByV2(log, LogName, out var problem), problem);
    }

    [Fact]
    public void IsSignedBy_RekorV1CheckpointWithWitnessCosignatures_Verifies()
    {
        using var logKey = TestLogKey.Create("ecdsa");
        var text = CheckpointText(LogName + " - 1193050959916656506");
        var note = Parse(text + "\n" + new TestWitness("witness.example/w1").Cosign(text) + logKey.Line(LogName, text) + UnknownTypeLine("witness.example/pq", text));

        Assert.True(note.IsSignedBy(LogOf(logKey), out var problem), problem);
    }

    [Fact]
    public void RekorV1CheckpointSignedByAWitnessNotTheLog_Rejected()
    {
        using var logKey = TestLogKey.Create("ecdsa");
        var text = CheckpointText(LogName + " - 1193050959916656506");
        var witness = new TestWitness("witness.example/w1");

        Assert.False(Parse(text + "\n" + witness.Cosign(text) + witness.SignAsLog(text)).IsSignedBy(LogOf(logKey), out var problem));
        Assert.Contains($"no signature line has the name {LogName} and key ID", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSignedBy_RekorV1LineWithTheLogsKeyIdUnderAnotherName_Skipped()
    {
        // A line that shares the key ID but not the name is another signer's (C2SP signed-note), so its bad signature is no error.
        using var logKey = TestLogKey.Create("ecdsa");
        var text = CheckpointText(LogName + " - 7");
        var collision = TestLogKey.NoteLine("witness.example/w1", logKey.KeyId(LogName), RandomNumberGenerator.GetBytes(70));

        Assert.True(Parse(text + "\n" + collision + logKey.Line(LogName, text)).IsSignedBy(LogOf(logKey), out var problem), problem);
    }

    [Fact]
    public void RekorV1CheckpointWithAFailingLogSignatureBeforeAGoodOne_RejectedWhole()
    {
        using var logKey = TestLogKey.Create("ecdsa");
        var text = CheckpointText(LogName + " - 7");
        var bad = TestLogKey.NoteLine(LogName, logKey.KeyId(LogName), logKey.Sign(text + "tampered"));

        Assert.False(Parse(text + "\n" + bad + logKey.Line(LogName, text)).IsSignedBy(LogOf(logKey), out var problem));
        Assert.Contains("does not verify", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MaxSignatureLines_AcceptedAndTheLogsLineFound()
    {
        using var logKey = TestLogKey.Create("ed25519");
        var text = CheckpointText(LogName);
        var witness = new TestWitness("witness.example/w1");
        var lines = string.Concat(Enumerable.Repeat(witness.Cosign(text), SignedNote.MaxSignatures - 1)) + logKey.Line(LogName, text);

        Assert.Equal(100, SignedNote.MaxSignatures);
        Assert.True(Parse(text + "\n" + lines).IsSignedByV2(LogOf(logKey), LogName, out var problem), problem);
    }

    [Fact]
    public void CheckpointFloodedWithSignatureLines_RefusedBeyondTheLimit()
    {
        using var logKey = TestLogKey.Create("ed25519");
        var text = CheckpointText(LogName);
        var lines = logKey.Line(LogName, text) + string.Concat(Enumerable.Repeat(new TestWitness("witness.example/w1").Cosign(text), SignedNote.MaxSignatures));

        Assert.False(SignedNote.TryParse(text + "\n" + lines, out _, out var error));
        Assert.Equal("the checkpoint has 101 signature lines, more than the 100 Verity reads", error);
    }

    [Theory]
    [InlineData("o\n1\nAAAA\n\n\u2014 a+b AAAAAQID\n", "name without spaces or \"+\"")]
    [InlineData("o\n1\nAAAA\n\n\u2014  AAAAAQID\n", "name without spaces or \"+\"")]
    [InlineData("o\t\n1\nAAAA\n\n\u2014 n AAAAAQID\n", "the character U+0009")]
    [InlineData("o\r\n1\nAAAA\n\n\u2014 n AAAAAQID\n", "the character U+000D")]
    public void Parse_NoteBreakingTheFormat_IsRefused(string envelope, string expected)
    {
        Assert.False(SignedNote.TryParse(envelope, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LoneSurrogate_IsRefusedAsNotUtf8()
    {
        // Built at run time: an attribute argument cannot carry half a surrogate pair.
        var envelope = "o" + (char)0xD800 + "\n1\nAAAA\n\n\u2014 n AAAAAQID\n";

        Assert.False(SignedNote.TryParse(envelope, out _, out var error));
        Assert.Equal("the checkpoint contains the character U+D800, which a signed note must not contain", error);
    }

    [Fact]
    public void Parse_TextWithABlankLine_SplitAtTheLastBlankLineAndRefusedAsACheckpoint()
    {
        var root = Convert.ToBase64String(new byte[32]);
        var note = Parse($"o\n1\n{root}\n\nextension\n\n\u2014 n AAAAAQID\n");

        Assert.Equal($"o\n1\n{root}\n\nextension\n", note.Text);
        Assert.False(Checkpoint.TryParse(note.Text, out _, out var error));
        Assert.Equal("the checkpoint has an empty extension line", error);
    }

    [Theory]
    [InlineData("rekor.sigstore.dev - 1193050959916656506\n1\n", "rekor.sigstore.dev")]
    [InlineData("127.0.0.1:8080 - 12\n", "127.0.0.1:8080")]
    [InlineData("log2025-1.rekor.sigstore.dev\n", "log2025-1.rekor.sigstore.dev")]
    [InlineData("example.com - log\n", "example.com - log")]
    public void RekorV1SignerName_HostBeforeTheTreeId(string text, string expected)
    {
        Assert.Equal(expected, SignedNote.RekorV1SignerName(text));
    }

    private static SignedNote Parse(string envelope)
    {
        Assert.True(SignedNote.TryParse(envelope, out var note, out var error), error);
        return note;
    }

    private static string CheckpointText(string origin) => $"{origin}\n42\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n";

    private static TransparencyLog LogOf(TestLogKey key) => TrustedMaterial.LogFromKey(key.VerificationKey, "https://" + LogName);

    /// <summary>A line of a signature type Verity does not know (an ML-DSA-44 cosignature, type 0x06): 8-byte time and 2420 bytes.</summary>
    private static string UnknownTypeLine(string name, string text)
    {
        var keyId = SHA256.HashData([.. Encoding.UTF8.GetBytes(name + "\n"), 0x06, .. RandomNumberGenerator.GetBytes(1312)])[..4];
        return TestLogKey.NoteLine(name, keyId, RandomNumberGenerator.GetBytes(8 + 2420 + text.Length % 2));
    }
}
