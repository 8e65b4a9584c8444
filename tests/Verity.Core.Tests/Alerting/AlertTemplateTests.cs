using System.Text;
using System.Text.Json.Nodes;
using Verity.Core.Alerting;

namespace Verity.Core.Tests.Alerting;

/// <summary>Connaisseur's template rendering (internal/alert/channel_test.go, template_test.go), reproduced.</summary>
public sealed class AlertTemplateTests
{
    // Connaisseur's test/testdata/alerts/07_opsgenie.json.
    private const string Opsgenie = """
        {
            "message": "{{ alert_message }}",
            "alias": "{{ alert_message }} while deploying the images {{ images }}.",
            "description": "{{ alert_message }} while deploying the following images:\n {{ images }} \n\n Please check the logs of the `{{ connaisseur_pod_id }}` for more details.",
            "responders": [],
            "visibleTo": [],
            "actions": [],
            "tags": [],
            "details": {
                "pod": "{{ connaisseur_pod_id }}",
                "cluster": "{{ cluster }}",
                "namespace": "{{ namespace }}",
                "alert_created": "{{ timestamp }}",
                "request_id": "{{ request_id }}"
            },
            "entity": "Connaisseur",
            "priority": "P{{ priority }}"
        }
        """;

    private static string Render(string template, AlertValues values, JsonObject? fields = null) =>
        Encoding.UTF8.GetString(AlertTemplate.Parse("t", template).Render(values, fields) ?? []);

    [Fact]
    public void Render_Opsgenie_IsConnaisseursGoldenPayload()
    {
        var values = new AlertValues
        {
            AlertMessage = "test1", Images = "test2", ConnaisseurPodId = "test3", Timestamp = "1970-01-01T00:00:00Z",
            Cluster = "test4", Namespace = "test5", RequestId = "test6", Priority = 7,
        };
        var fields = new JsonObject { ["responders"] = new JsonArray("test8"), ["visibleTo"] = new JsonArray("test9"), ["tags"] = new JsonArray("test10") };

        var payload = Render(Opsgenie, values, fields);

        Assert.Equal(
            """{"actions":[],"alias":"test1 while deploying the images test2.","description":"test1 while deploying the following images:\n test2 \n\n Please check the logs of the `test3` for more details.","details":{"alert_created":"1970-01-01T00:00:00Z","cluster":"test4","namespace":"test5","pod":"test3","request_id":"test6"},"entity":"Connaisseur","message":"test1","priority":"P7","responders":["test8"],"tags":["test10"],"visibleTo":["test9"]}""",
            payload);
    }

    [Fact]
    public void Render_ScriptInValue_IsEscapedNotInjected()
    {
        var payload = Render("{\n    \"name\": \"connaisseur_pod_id\",\n    \"value\": \"{{ connaisseur_pod_id }}\"\n}", new AlertValues { ConnaisseurPodId = "<script>alert(\"ISAINJECTION\")</script>" });

        Assert.Equal("""{"name":"connaisseur_pod_id","value":"\u003cscript\u003ealert(\"ISAINJECTION\")\u003c/script\u003e"}""", payload);
    }

    [Fact]
    public void Render_ValueThatClosesTheString_CannotAddKeys()
    {
        var payload = Render("""{"m": "{{ alert_message }}"}""", new AlertValues { AlertMessage = "x\", \"admin\": true, \"y\": \"\\" });

        var json = JsonNode.Parse(payload)!.AsObject();
        Assert.Single(json);
        Assert.Equal("x\", \"admin\": true, \"y\": \"\\", json["m"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    public void Render_EmptyOutput_SendsNothing(string template)
    {
        Assert.Null(AlertTemplate.Parse("t", template).Render(new AlertValues(), new JsonObject { ["a"] = 1 }));
        Assert.True(AlertTemplate.Parse("t", template).AlwaysEmpty);
    }

    [Fact]
    public void Render_Null_IsAnEmptyObjectWithThePayloadFields()
    {
        Assert.Equal("""{"a":1}""", Render("null", new AlertValues(), new JsonObject { ["a"] = 1 }));
    }

    [Fact]
    public void Render_SingleBraces_AreText()
    {
        Assert.Equal("""{"prio":"{ priority }"}""", Render("{\n    \"prio\": \"{ priority }\"\n}", new AlertValues()));
    }

    [Fact]
    public void Render_UnquotedPriority_IsANumber()
    {
        Assert.Equal("""{"p":69}""", Render("""{"p": {{ priority }}}""", new AlertValues { Priority = 69 }));
    }

    [Fact]
    public void Render_KeysSortedByCodePoint_LastDuplicateWins()
    {
        Assert.Equal("""{"B":2,"a":3,"é":4,"😀":5}""", Render("""{"a":1,"😀":5,"é":4,"B":2,"a":3}""", new AlertValues()));
    }

    [Fact]
    public void Render_PayloadFields_ReplaceTopLevelKeysOnly()
    {
        var fields = new JsonObject { ["details"] = new JsonObject { ["x"] = 1 }, ["n"] = 2.5, ["t"] = true, ["z"] = null };

        Assert.Equal("""{"details":{"x":1},"n":2.5,"t":true,"z":null}""", Render("""{"details":{"a":"b"},"n":1}""", new AlertValues(), fields));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("100000000000000000000", "100000000000000000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("-1.5e-10", "-1.5e-10")]
    [InlineData("12345678901234567890", "12345678901234567000")]
    [InlineData("0.1", "0.1")]
    [InlineData("-0", "-0")]
    [InlineData("1.2345e25", "1.2345e+25")]
    public void Render_Numbers_AreWrittenAsGoFloat64(string number, string expected)
    {
        Assert.Equal($$"""{"n":{{expected}}}""", Render($$"""{"n": {{number}}}""", new AlertValues()));
    }

    [Fact]
    public void Render_ControlAndSeparatorCharacters_AreEscapedLikeGo()
    {
        var payload = Render("""{"m": "{{ alert_message }}"}""", new AlertValues { AlertMessage = "a\b\f\n\r\t\u0001\u2028&<>\u007f" });

        Assert.Equal("{\"m\":\"a\\b\\f\\n\\r\\t\\u0001\\u2028\\u0026\\u003c\\u003e\u007f\"}", payload);
    }

    [Theory]
    [InlineData("{{ alert_message }}", "m")]
    [InlineData("{{ alertMessage }}", "m")]
    [InlineData("{{ ALERT_MESSAGE }}", "m")]
    [InlineData("{{ .AlertMessage }}", "m")]
    [InlineData("{{- alert_message -}}", "m")]
    [InlineData("{{ request-id }}", "r")]
    public void Placeholder_SpellingsConnaisseurAccepts_NameTheSameValue(string placeholder, string expected)
    {
        Assert.Equal($$"""{"v":"{{expected}}"}""", Render($$"""{"v": "{{placeholder}}"}""", new AlertValues { AlertMessage = "m", RequestId = "r" }));
    }

    [Theory]
    [InlineData("""{"name": "{{ connaisseur_podsss }}"}""", "names no value")]
    [InlineData("""{"prio": "{{{ priority }}}"}""", "does not start")]
    [InlineData("""{"prio": "{{{ priority }}"}""", "does not start")]
    [InlineData("""{"prio": "{{ priority"}""", "does not start")]
    [InlineData("""{"prio": "{{ }}"}""", "names no value")]
    [InlineData("""{"m": "{{alert_message}}"}""", "names no value")] // strcase gives "alertMessage": Go cannot read it either
    [InlineData("""{"images": {{ images }}}""", "does not render a JSON object")]
    [InlineData("""["{{ images }}"]""", "not an object")]
    [InlineData("""{"a": 1""", "does not render a JSON object")]
    [InlineData(" ", "does not render a JSON object")]
    [InlineData("""{"a": "{{ images }}"}{}""", "does not render a JSON object")]
    public void Parse_TemplateThatCannotRenderJson_IsRefused(string template, string expected)
    {
        var e = Assert.Throws<AlertTemplateException>(() => AlertTemplate.Parse("t", template));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownPlaceholder_SaysWhereAndWhatIsKnown()
    {
        var e = Assert.Throws<AlertTemplateException>(() => AlertTemplate.Parse("t", "{\n    \"name\": \"{{ connaisseur_podsss }}\"\n}"));

        Assert.StartsWith("line 2, column 14: {{ connaisseur_podsss }} names no value (it can name alert_message, priority,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoTimestamp_IsGoTimeString()
    {
        Assert.Equal("2026-05-08 12:00:00.1 +0000 UTC", AlertValues.GoTimestamp(new DateTimeOffset(2026, 5, 8, 12, 0, 0, 100, TimeSpan.Zero)));
        Assert.Equal("2026-05-08 14:00:00 +0000 UTC", AlertValues.GoTimestamp(new DateTimeOffset(2026, 5, 8, 16, 0, 0, TimeSpan.FromHours(2))));
        Assert.Equal("2026-05-08 12:00:00.1234567 +0000 UTC", AlertValues.GoTimestamp(new DateTimeOffset(2026, 5, 8, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567)));
    }
}
