using System.Text;

namespace Verity.Core.Alerting;

/// <summary>
/// A port of <c>strcase.ToCamel</c> (github.com/iancoleman/strcase v0.3.0), which Connaisseur applies to the whole
/// text of a <c>{{ … }}</c> placeholder to find the Go field it names.
/// </summary>
/// <remarks>
/// Letters and digits are kept, everything else is dropped; <c>_</c>, space, <c>-</c> and <c>.</c>, and every digit,
/// make the next letter upper case; the first letter is upper case; an upper-case letter after another is lowered.
/// So <c>{{ alert_message }}</c>, <c>{{alertMessage}}</c> and <c>{{ ALERT_MESSAGE }}</c> all name <c>AlertMessage</c>.
/// </remarks>
internal static class StrCase
{
    public static string ToCamel(string text)
    {
        var s = text.Trim();
        var builder = new StringBuilder(s.Length);
        bool capNext = true;
        bool prevIsCap = false;
        for (int i = 0; i < s.Length; i++)
        {
            char v = s[i];
            bool isCap = v is >= 'A' and <= 'Z';
            bool isLow = v is >= 'a' and <= 'z';
            if (capNext)
            {
                if (isLow)
                {
                    v = (char)(v - 'a' + 'A');
                }
            }
            else if (i == 0)
            {
                if (isCap)
                {
                    v = (char)(v - 'A' + 'a');
                }
            }
            else if (prevIsCap && isCap)
            {
                v = (char)(v - 'A' + 'a');
            }

            prevIsCap = isCap;
            if (isCap || isLow)
            {
                builder.Append(v);
                capNext = false;
            }
            else if (v is >= '0' and <= '9')
            {
                builder.Append(v);
                capNext = true;
            }
            else
            {
                capNext = v is '_' or ' ' or '-' or '.';
            }
        }

        return builder.ToString();
    }
}
