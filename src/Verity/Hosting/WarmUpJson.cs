using System.Text.Json.Serialization;

namespace Verity.Hosting;

/// <summary>Source-generated JSON for the synthetic AdmissionReviews of <see cref="StartupWarmUp"/>.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class WarmUpJson : JsonSerializerContext;
