using YamlDotNet.RepresentationModel;

namespace Verity.Install;

/// <summary>The chart files <c>verity manifests</c> renders from: <c>Chart.yaml</c>, <c>values.yaml</c> and the PolicyReport CRD, embedded at build time.</summary>
internal sealed record ChartInfo(string Name, string Version, string AppVersion, string ValuesYaml, string PolicyReportCrdYaml)
{
    /// <summary>The chart in <c>charts/verity/</c> as embedded in this build.</summary>
    public static ChartInfo Embedded { get; } = Load(Read("Chart.yaml"), Read("values.yaml"), Read("policyreports-crd.yaml"));

    /// <summary>Reads the chart's metadata from the text of its files.</summary>
    public static ChartInfo Load(string chartYaml, string valuesYaml, string crdYaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(chartYaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string Field(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { } s }
            ? s
            : throw new InstallException($"Chart.yaml has no {key}");
        return new ChartInfo(Field("name"), Field("version"), Field("appVersion"), valuesYaml, crdYaml);
    }

    private static string Read(string name)
    {
        using var stream = typeof(ChartInfo).Assembly.GetManifestResourceStream($"Verity.Install.{name}")
            ?? throw new InvalidOperationException($"the chart file {name} is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
