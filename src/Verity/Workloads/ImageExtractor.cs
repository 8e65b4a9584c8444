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
        var pointer = string.Empty;
        foreach (var segment in path)
        {
            pointer += "/" + segment;
            if (!spec.TryGetProperty(segment, out var next) || next.ValueKind == JsonValueKind.Null)
            {
                throw new WorkloadException($"no containers found in workload object: the {kind} has no {pointer[1..].Replace('/', '.')}");
            }

            if (next.ValueKind != JsonValueKind.Object)
            {
                throw new WorkloadException($"{pointer[1..].Replace('/', '.')} of the {kind} is {Describe(next.ValueKind)}, not an object");
            }

            spec = next;
        }

        var images = new List<ContainerImage>();
        foreach (var type in WorkloadKind.ContainerTypes)
        {
            if (!spec.TryGetProperty(type, out var list) || list.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var listPath = $"{pointer}/{type}";
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new WorkloadException($"{Dotted(listPath)} is {Describe(list.ValueKind)}, not a list");
            }

            int index = 0;
            foreach (var container in list.EnumerateArray())
            {
                var containerPath = $"{listPath}/{index}";
                if (container.ValueKind != JsonValueKind.Object)
                {
                    throw new WorkloadException($"{Dotted(containerPath)} is {Describe(container.ValueKind)}, not a container");
                }

                string? name = container.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                if (!container.TryGetProperty("image", out var image) || image.ValueKind != JsonValueKind.String)
                {
                    throw new WorkloadException($"container {(name is null ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"\"{name}\"")} in {Dotted(listPath)} has no image");
                }

                images.Add(new ContainerImage(image.GetString()!, containerPath + "/image", type, name));
                index++;
            }
        }

        if (images.Count == 0 && !allowEmpty)
        {
            throw new WorkloadException("no containers found in workload object");
        }

        return images;
    }

    private static string Dotted(string pointer) => pointer.Length == 0 ? pointer : pointer[1..].Replace('/', '.');

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
