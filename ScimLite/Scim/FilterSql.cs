using Dapper;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim;

/// <summary>Bridges list queries to the filter and sort compilers in Scim/Filter.</summary>
public static class FilterSql
{
    public static string Where(ResourceTypeDef type, string filter, DynamicParameters parameters) =>
        throw ScimException.InvalidFilter("Filtering is being wired.");

    public static string OrderBy(ResourceTypeDef type, string? sortBy, string? sortOrder) => "r.id";
}
