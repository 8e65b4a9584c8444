namespace Verity.Fuzz;

/// <summary>
/// A small, seeded byte mutator in the spirit of AFL's havoc stage (bit flips, interesting bytes, deletions,
/// duplications, dictionary tokens, splices), for the in-process smoke run that CI does without AFL.
/// </summary>
internal sealed class Mutator(int seed, IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> dictionary)
{
    private const int MaxLength = 64 * 1024;

    private static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)':', (byte)',', (byte)'\n', (byte)'@', (byte)'/', (byte)'*'];

    private readonly Random _random = new(seed);

    /// <summary>A mutated copy of a corpus entry.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(corpus.Count == 0 ? [] : corpus[_random.Next(corpus.Count)]);
        int rounds = 1 << _random.Next(4);
        for (int r = 0; r < rounds; r++)
        {
            Mutate(data);
        }

        return data.Count > MaxLength ? [.. data.GetRange(0, MaxLength)] : [.. data];
    }

    private void Mutate(List<byte> data)
    {
        int position = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(data.Count == 0 ? 2 : 9))
        {
            case 0 when dictionary.Count > 0:
                data.InsertRange(position, dictionary[_random.Next(dictionary.Count)]);
                break;
            case 0:
            case 1:
                data.Insert(position, Interesting[_random.Next(Interesting.Length)]);
                break;
            case 2:
                data[position] ^= (byte)(1 << _random.Next(8));
                break;
            case 3:
                data[position] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 4:
                data[position] = (byte)_random.Next(256);
                break;
            case 5:
                data.RemoveRange(position, Math.Min(data.Count - position, 1 + _random.Next(16)));
                break;
            case 6:
            {
                int length = Math.Min(data.Count - position, 1 + _random.Next(64));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(position, length));
                break;
            }

            case 7 when dictionary.Count > 0:
            {
                // Overwrite with a token, as AFL's "user extras (over)" does.
                var token = dictionary[_random.Next(dictionary.Count)];
                data.RemoveRange(position, Math.Min(token.Length, data.Count - position));
                data.InsertRange(position, token);
                break;
            }

            default:
                if (corpus.Count > 0)
                {
                    // Splice: the tail of another corpus entry.
                    var other = corpus[_random.Next(corpus.Count)];
                    int from = other.Length == 0 ? 0 : _random.Next(other.Length);
                    data.RemoveRange(position, data.Count - position);
                    data.AddRange(other.AsSpan(from).ToArray());
                }

                break;
        }
    }
}
