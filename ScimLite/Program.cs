using ScimLite;

// With no verb ScimLite serves; `ScimLite tokens …`, `journal`, `doctor`, … are operator commands (see Cli/).
return await ScimLiteCli.InvokeAsync(args);

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
