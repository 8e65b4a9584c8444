using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Verity.Registry.Auth;

/// <summary>Parses Connaisseur's <c>secret.yaml</c>: <c>username</c>, <c>password</c> and an optional <c>registry</c>.</summary>
/// <remarks>
/// Connaisseur keys a credential without <c>registry</c> by the placeholder <c>EMPTYAUTH</c>, which only its
/// notaryv1 validator rewrites to the Notary host (reference §7). Here the caller says which registry such a
/// credential is for (<c>unscopedRegistry</c>); without one it is dropped rather than sent to every registry.
/// Other keys (the chart copies the whole <c>auth</c> block) are ignored.
/// </remarks>
internal static class ConnaisseurSecretParser
{
    public static ImmutableArray<RegistryCredentialEntry> Parse(string yaml, string? unscopedRegistry)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode m
                ? m
                : throw new FormatException("secret.yaml is not a mapping");
        }
        catch (YamlException e)
        {
            throw new FormatException($"secret.yaml is not valid YAML (line {e.Start.Line})");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these instead of a YamlException on some broken input (docs/fuzzing.md).
            throw new FormatException("secret.yaml is not valid YAML");
        }

        string? username = null, password = null, registry = null;
        foreach (var (keyNode, valueNode) in root.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                continue;
            }

            var value = valueNode is YamlScalarNode scalar ? scalar.Value : null;
            switch (key)
            {
                case "username":
                    username = value;
                    break;
                case "password":
                    password = value;
                    break;
                case "registry":
                    registry = value;
                    break;
            }
        }

        if (string.IsNullOrEmpty(username) || password is null)
        {
            throw new FormatException("secret.yaml needs username and password");
        }

        var scope = string.IsNullOrWhiteSpace(registry) ? unscopedRegistry : registry;
        if (scope is null)
        {
            return [];
        }

        return CredentialKey.TryParse(scope, out var parsed)
            ? [new RegistryCredentialEntry(parsed, new RegistryCredential(username, password))]
            : throw new FormatException($"the registry \"{scope}\" in secret.yaml is not a registry host");
    }
}
