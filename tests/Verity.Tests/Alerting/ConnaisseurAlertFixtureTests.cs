using System.Text;
using System.Text.Json.Nodes;
using Verity.Alerting;
using Verity.Core.Alerting;
using Verity.Testing;

namespace Verity.Tests.Alerting;

/// <summary>Connaisseur's alert templates and test data (../shared/fixtures/connaisseur), read in place.</summary>
public sealed class ConnaisseurAlertFixtureTests
{
    private static readonly AlertValues Admit = new()
    {
        AlertMessage = "CONNAISSEUR admitted a request",
        Priority = 3,
        ConnaisseurPodId = "verity-5d8c7-x2x9q",
        Namespace = "default",
        Cluster = "example-cluster-staging-europe",
        Timestamp = "2026-05-08 12:00:00.1 +0000 UTC",
        RequestId = "3a3a7b38-5512-4a85-94bb-3562269e0a6a",
        Images = "securesystemsengineering/alice-image:test, nginx:1.25",
        Result = "success",
    };

    private static readonly AlertValues Reject = Admit with
    {
        AlertMessage = "CONNAISSEUR rejected a request: image \"busybox\" denied: <no \"signatures\"> & \\ more\nline",
        Priority = 1,
        Images = "busybox",
        Result = "error",
    };

    public static TheoryData<string> ShippedTemplates => [.. AlertTemplateSource.ShippedNames];

    [Theory]
    [MemberData(nameof(ShippedTemplates))]
    public void ShippedTemplate_RendersWhatConnaisseursChartTemplateRenders(string name)
    {
        Assert.SkipUnless(SharedFixtures.Available, SharedFixtures.SkipReason);
        var chart = File.ReadAllText(SharedFixtures.Path("connaisseur", "charts", "connaisseur", "alert_payload_templates", name + ".json"));
        var theirs = AlertTemplate.Parse(name, chart);
        var ours = AlertTemplate.Parse(name, AlertTemplateSource.ShippedText(name));
        var fields = new JsonObject { ["tags"] = new JsonArray("deployed_an_image") };

        foreach (var values in new[] { Admit, Reject, new AlertValues() })
        {
            var expected = Encoding.UTF8.GetString(theirs.Render(values, fields)!);
            var actual = Encoding.UTF8.GetString(ours.Render(values, fields)!);

            // Field by field first (a readable failure), then byte for byte.
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"{name}:\nexpected {expected}\nactual   {actual}");
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData("06_template", """{"name":"connaisseur_pod_id","value":"verity-5d8c7-x2x9q"}""")]
    [InlineData("10_allow_no_header", """{"allow_no_header":true}""")]
    [InlineData("11_fail_template", """{"fail":true}""")]
    [InlineData("12_send_notif_test", """{"cluster":"example-cluster-staging-europe","message":"CONNAISSEUR admitted a request"}""")]
    [InlineData("13_priority", """{"prio":"3"}""")]
    [InlineData("16_single_bracket", """{"prio":"{ priority }"}""")]
    public void AcceptedTestTemplate_RendersAsConnaisseurExpects(string name, string expected)
    {
        var template = AlertTemplate.Parse(name, File.ReadAllText(SharedFixtures.Connaisseur("alerts", name + ".json")));

        Assert.Equal(expected, Encoding.UTF8.GetString(template.Render(Admit, null)!));
    }

    [Fact]
    public void Opsgenie07_WithConnaisseursTestValues_IsItsGoldenPayload()
    {
        var template = AlertTemplate.Parse("07_opsgenie", File.ReadAllText(SharedFixtures.Connaisseur("alerts", "07_opsgenie.json")));
        var values = new AlertValues
        {
            AlertMessage = "test1", Images = "test2", ConnaisseurPodId = "test3", Timestamp = "1970-01-01T00:00:00Z",
            Cluster = "test4", Namespace = "test5", RequestId = "test6", Priority = 7,
        };
        var fields = new JsonObject { ["responders"] = new JsonArray("test8"), ["visibleTo"] = new JsonArray("test9"), ["tags"] = new JsonArray("test10") };

        Assert.Equal(
            """{"actions":[],"alias":"test1 while deploying the images test2.","description":"test1 while deploying the following images:\n test2 \n\n Please check the logs of the `test3` for more details.","details":{"alert_created":"1970-01-01T00:00:00Z","cluster":"test4","namespace":"test5","pod":"test3","request_id":"test6"},"entity":"Connaisseur","message":"test1","priority":"P7","responders":["test8"],"tags":["test10"],"visibleTo":["test9"]}""",
            Encoding.UTF8.GetString(template.Render(values, fields)!));
    }

    [Fact]
    public void EmptyTestTemplate_SendsNothing()
    {
        var template = AlertTemplate.Parse("09_empty", File.ReadAllText(SharedFixtures.Connaisseur("alerts", "09_empty.json")));

        Assert.True(template.AlwaysEmpty);
        Assert.Null(template.Render(Admit, new JsonObject { ["a"] = 1 }));
    }

    [Theory]
    [InlineData("08_render_err", "line 2, column 14: {{ connaisseur_podsss }} names no value")]
    [InlineData("14_triple_bracket", "line 2, column 14: \"{{\" does not start a {{ placeholder }}")]
    [InlineData("15_mismatch_bracket", "line 2, column 14: \"{{\" does not start a {{ placeholder }}")]
    public void BrokenTestTemplate_IsRefusedWhenLoaded(string name, string expected)
    {
        var e = Assert.Throws<AlertTemplateException>(() => AlertTemplate.Parse(name, File.ReadAllText(SharedFixtures.Connaisseur("alerts", name + ".json"))));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Priority13_RendersEachReceiversPriority()
    {
        // 08_send_notif_multiple_ch.yaml: two receivers of 13_priority with priorities 69 and 1337.
        var template = AlertTemplate.Parse("13_priority", File.ReadAllText(SharedFixtures.Connaisseur("alerts", "13_priority.json")));

        Assert.Equal("""{"prio":"69"}""", Encoding.UTF8.GetString(template.Render(Admit with { Priority = 69 }, null)!));
        Assert.Equal("""{"prio":"1337"}""", Encoding.UTF8.GetString(template.Render(Admit with { Priority = 1337 }, null)!));
    }
}
