using System.CommandLine;
using Dapper;
using ScimLite.Cli;
using ScimLite.Scim.Schema;

namespace ScimLite.Extensions;

/// <summary>
/// <c>ScimLite extensions check</c>: lists stored custom attribute values that do not match their current declaration
/// (a value written while the attribute was declared with another type or multiplicity: <c>"abc"</c> under an integer,
/// a single value under a multi-valued one). Filters and sorts read such values as absent; this shows where they are,
/// so they can be fixed or the declaration changed back. Exit 0 when there are none, 1 when some were found, 3 when the declarations themselves are invalid.
/// </summary>
public static class ExtensionsCommand
{
    const int DefaultLimit = 100;

    public static Command Create() => Create(Console.Out, Console.Error, null);

    /// <param name="output">Where the listing goes.</param>
    /// <param name="errors">Where an invalid declaration is reported.</param>
    /// <param name="declarations">The declarations to check against; null: <c>Scim:Extensions</c> of the configuration.</param>
    public static Command Create(TextWriter output, TextWriter errors, ExtensionOptions? declarations)
    {
        var extensions = new Command("extensions", "Custom attributes (Scim:Extensions) and the values stored for them.");
        var check = new Command("check", "List stored custom attribute values that do not match their current declaration; exit 1 when there are some.");
        var connection = CliHost.ConnectionOption();
        var limit = new Option<int>("--limit") { Description = "Most values listed per attribute.", DefaultValueFactory = _ => DefaultLimit };
        check.Options.Add(connection);
        check.Options.Add(limit);
        check.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var options = declarations ?? host.Configuration.GetSection(ExtensionOptions.Section).Get<ExtensionOptions>() ?? new ExtensionOptions();
            if (new ExtensionSchemas().Validate(null, options) is { Failed: true } invalid)
            {
                await errors.WriteLineAsync(invalid.FailureMessage);
                return ExitCodes.Environment;
            }
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            var found = 0;
            foreach (var type in ResourceTypeDef.All)
            {
                foreach (var attribute in ExtensionSchemas.For(options, type.Name).SelectMany(s => s.Attributes))
                {
                    var parameters = new { urn = attribute.ExtensionUrn, attr = attribute.Name, limit = parse.GetValue(limit) };
                    var count = await db.ExecuteScalarAsync<long>(new CommandDefinition(
                        $"SELECT count(*) FROM {type.Table} AS r WHERE {Mismatch(attribute)}", parameters, cancellationToken: ct));
                    if (count == 0)
                        continue;
                    found += (int)count;
                    var rows = await db.QueryAsync<(Guid Id, string Value)>(new CommandDefinition($"""
                        SELECT r.id, (r.extensions -> @urn -> @attr)::text FROM {type.Table} AS r
                         WHERE {Mismatch(attribute)} ORDER BY r.id LIMIT @limit
                        """, parameters, cancellationToken: ct));
                    await output.WriteLineAsync($"{type.Name} {attribute.ExtensionUrn}:{attribute.Name} (declared {Declared(attribute)}): {count} values do not match");
                    foreach (var (id, value) in rows)
                        await output.WriteLineAsync($"  {type.Endpoint}/{id}  {Shorten(value)}");
                }
            }
            await output.WriteLineAsync(found == 0
                ? "Every stored custom attribute value matches its declaration."
                : $"{found} stored values do not match their declaration; filters and sorts read them as absent. Fix them (PUT or PATCH the resources), or change the declaration back.");
            return found == 0 ? 0 : 1;
        });
        extensions.Subcommands.Add(check);
        return extensions;
    }

    /// <summary>The row has a value for the attribute (@urn, @attr) that its declaration does not allow.</summary>
    static string Mismatch(AttributeDef attribute)
    {
        const string value = "r.extensions -> @urn -> @attr";
        var valid = attribute.MultiValued
            ? $"jsonb_typeof({value}) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements({value}) AS e(j) WHERE NOT ({Valid(attribute, "e.j")}))"
            : Valid(attribute, value);
        return $"jsonb_typeof(r.extensions -> @urn) = 'object' AND {value} IS NOT NULL AND NOT coalesce({valid}, false)";
    }

    /// <summary>One JSON value of the declared type, as ScimLite writes it (ExtensionValues).</summary>
    static string Valid(AttributeDef attribute, string j) => attribute.Type switch
    {
        AttrType.Boolean => $"jsonb_typeof({j}) = 'boolean'",
        AttrType.Integer => $"jsonb_typeof({j}) = 'number' AND ({j} #>> '{{}}') !~ '[.eE]'",
        AttrType.Decimal => $"jsonb_typeof({j}) = 'number'",
        AttrType.DateTime => $"jsonb_typeof({j}) = 'string' AND scim_try_timestamptz({j} #>> '{{}}') IS NOT NULL",
        _ => $"jsonb_typeof({j}) = 'string'",
    };

    static string Declared(AttributeDef attribute) =>
        (attribute.MultiValued ? "multi-valued " : "") + (attribute.Type == AttrType.DateTime ? "dateTime" : attribute.Type.ToString().ToLowerInvariant());

    static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
