using System.Text;
using Verity.Validators.Cosign.Dsse;

namespace Verity.Validators.Tests.Cosign.Dsse;

/// <summary>DSSE protocol v1.0.0 pre-authentication encoding.</summary>
public sealed class PaeTests
{
    [Fact]
    public void Encode_SpecExample_MatchesProtocolDocument()
    {
        // protocol.md, "Test vectors": PAE("http://example.com/HelloWorld", "hello world").
        var pae = Pae.Encode("http://example.com/HelloWorld", "hello world"u8);

        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.UTF8.GetString(pae));
    }

    [Fact]
    public void Encode_LengthsCountUtf8Bytes_NotCharacters()
    {
        var pae = Pae.Encode("é", [0xff, 0x00]);

        Assert.Equal([.. "DSSEv1 2 é 2 "u8, 0xff, 0x00], pae);
    }

    [Fact]
    public void Encode_EmptyTypeAndBody_KeepsSeparators()
    {
        Assert.Equal("DSSEv1 0  0 ", Encoding.UTF8.GetString(Pae.Encode(string.Empty, [])));
    }
}
