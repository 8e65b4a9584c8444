namespace Verity.Admission;

/// <summary>What the webhook answers: an AdmissionReview (status 200) or an HTTP error with a text body.</summary>
/// <param name="StatusCode">200 for an AdmissionReview, 4xx/5xx otherwise.</param>
/// <param name="Body">The AdmissionReview JSON, or the error text.</param>
/// <param name="ContentType">The body's media type.</param>
internal sealed record AdmissionResult(int StatusCode, byte[] Body, string ContentType)
{
    public static AdmissionResult Error(int statusCode, string message) =>
        new(statusCode, System.Text.Encoding.UTF8.GetBytes(message + "\n"), "text/plain; charset=utf-8");
}
