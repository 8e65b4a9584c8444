using Verity.Core.Images;
using Verity.Registry.Referrers;

namespace Verity.Registry.Tests.Referrers;

public sealed class ReferrersTagTests
{
    [Fact]
    public void For_Sha256_IsAlgorithmDashHex()
    {
        var digest = Digest.Parse("sha256:d60bce3f07459dde3c62ddfaf3fe0a336fdef1397f66902472dd296135520851");

        Assert.Equal("sha256-d60bce3f07459dde3c62ddfaf3fe0a336fdef1397f66902472dd296135520851", ReferrersTag.For(digest));
    }

    [Fact]
    public void For_Sha512_TruncatesTheHexTo64Characters()
    {
        var digest = Digest.Parse("sha512:" + new string('a', 128));

        Assert.Equal("sha512-" + new string('a', 64), ReferrersTag.For(digest));
    }
}
