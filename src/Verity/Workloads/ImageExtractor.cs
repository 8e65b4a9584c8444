using System.Text.Json;

namespace Verity.Workloads;

/// <summary>Finds every container image of a workload object, with the JSON pointer of each.</summary>
internal static class ImageExtractor
{
    /// <summary>
    /// Every image in the pod spec of <paramref name="workload"/>, in spec order: containers, then init
    /// containers, then ephemeral containers.
    /// </summary>
    /// <param name="workload">The object.</param>
    /// <param name="kind">Its kind.</param>
    /// <param name="allowEmpty">Whether a pod spec without containers is acceptable (an old object of an UPDATE).</param>
    /// <exception cref="WorkloadException">The object is not a readable workload of this kind.</exception>
    public static List<ContainerImage> Extract(JsonElement workload, string kind, bool allowEmpty = false)
    {
        var path = WorkloadKind.PodSpecPath(kind) ?? throw new WorkloadException($"unknown workload kind \"{kind}\"");
        if (workload.ValueKind != JsonValueKind.Object)
        {
            throw new WorkloadException($"the {kind} object is {Describe(workload.ValueKind)}, not an object");
        }

        var spec = workload;
        for (int depth = 0; depth < path.Count; depth++)
        {
            if (!spec.TryGetProperty(path[depth], out var next) || next.ValueKind == JsonValueKind.Null)
            {
                throw new WorkloadException($"no containers found in workload object: the {kind} has no {string.Join('.', path.Take(depth + 1))}");
            }

            if (next.ValueKind != JsonValueKind.Object)
            {
                throw new WorkloadException($"{string.Join('.', path.Take(depth + 1))} of the {kind} is {Describe(next.ValueKind)}, not an object");
            }

            spec = next;
        }

        // The JSON pointer (RFC 6901) of the pod spec, where a patch replaces images; no segment here needs escaping.
        var specPointer = path.Count == 0 ? string.Empty : "/" + string.Join('/', path);
        var images = new List<ContainerImage>();
        foreach (var type in WorkloadKind.ContainerTypes)
        {
            if (!spec.TryGetProperty(type, out var list) || list.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new WorkloadException($"{Dotted(path, type)} is {Describe(list.ValueKind)}, not a list");
            }

            int index = 0;
            foreach (var container in list.EnumerateArray())
            {
                if (container.ValueKind != JsonValueKind.Object)
                {
                    throw new WorkloadException($"{Dotted(path, type)}.{index} is {Describe(container.ValueKind)}, not a container");
                }

                string? name = container.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                if (!container.TryGetProperty("image"u8, out var image) || image.ValueKind != JsonValueKind.String)
                {
                    throw new WorkloadException($"container {(name is null ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"\"{name}\"")} in {Dotted(path, type)} has no image");
                }

                images.Add(new ContainerImage(image.GetString()!, $"{specPointer}/{type}/{index}/image", type, name));
                index++;
            }
        }

        if (images.Count == 0 && !allowEmpty)
        {
            throw new WorkloadException("no containers found in workload object");
        }

        return images;
    }

    private static string Dotted(IReadOnlyList<string> path, string list) => path.Count == 0 ? list : $"{string.Join('.', path)}.{list}";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null or JsonValueKind.Undefined => "missing",
        _ => "an object",
    };
}
