namespace Verity.Install;

/// <summary>Values that cannot be rendered into an installation; the message is one line for the user.</summary>
internal sealed class InstallException : Exception
{
    public InstallException(string message)
        : base(message)
    {
    }

    public InstallException()
    {
    }

    public InstallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
