namespace ScimLite.Status.Page;

/// <summary>The form a browser gets instead of the page when <c>Scim:Admin:Token</c> is set and it has no valid cookie.</summary>
public static class LoginView
{
    public static string Render(bool refused) => Layout.Document("Sign in · ScimLite status",
        "<header><h1>ScimLite status</h1></header>\n<main>\n"
        + (refused ? "<p class=\"bad\" role=\"alert\">That token is not accepted.</p>\n" : "")
        + "<form method=\"post\" action=\"/login\">\n"
        + "<p><label for=\"token\">Admin token (<code>Scim:Admin:Token</code>)</label><br>\n"
        + "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required></p>\n"
        + "<p><button type=\"submit\">Sign in</button></p>\n</form>\n</main>\n");
}
