using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Filter;

/// <summary>
/// What a filter costs beyond its length. Two kinds of term can use no index: substring comparisons (<c>co</c>,
/// <c>sw</c>, <c>ew</c>) and terms on multi-valued attributes (each an <c>EXISTS</c> over the items of every candidate
/// row: <c>emails.value co "x"</c>, <c>emails[type eq "work"]</c>, <c>members.value eq "id"</c>, a multi-valued custom
/// attribute's <c>urn:…:badges eq "x"</c> or <c>urn:…:badges[value eq "x"]</c>). A filter of many
/// such terms reads every row many times over, so each kind has a total cap per filter
/// (<see cref="ScimOptions.MaxFilterSubstringTerms"/>, <see cref="ScimOptions.MaxFilterMultiValuedTerms"/>).
/// </summary>
public static class FilterCost
{
    /// <summary>How many substring and multi-valued terms a filter holds (a <c>[...]</c> filter is one multi-valued term).</summary>
    public readonly record struct Terms(int Substring, int MultiValued);

    public static Terms Count(FilterNode node, ResourceTypeDef type) => node switch
    {
        AndNode n => Add(Count(n.Left, type), Count(n.Right, type)),
        OrNode n => Add(Count(n.Left, type), Count(n.Right, type)),
        NotNode n => Count(n.Inner, type),
        ValuePathNode n => new Terms(Count(n.Filter, type).Substring, IsMultiValued(n.Attribute, type) ? 1 : 0),
        CompareNode n => new Terms(n.Op is CompareOp.Co or CompareOp.Sw or CompareOp.Ew ? 1 : 0, IsMultiValued(n.Path, type) ? 1 : 0),
        PresentNode n => new Terms(0, IsMultiValued(n.Path, type) ? 1 : 0),
        _ => default,
    };

    /// <summary>400 invalidFilter naming the limit when the filter holds more terms of a kind than allowed.</summary>
    public static void Check(FilterNode node, ResourceTypeDef type, ScimOptions options)
    {
        var terms = Count(node, type);
        if (terms.Substring > options.MaxFilterSubstringTerms)
            throw ScimException.InvalidFilter(
                $"The filter has {terms.Substring} substring comparisons (co, sw, ew); at most {options.MaxFilterSubstringTerms} are allowed in one filter (limit Scim:MaxFilterSubstringTerms).");
        if (terms.MultiValued > options.MaxFilterMultiValuedTerms)
            throw ScimException.InvalidFilter(
                $"The filter has {terms.MultiValued} terms on multi-valued attributes (emails, members, multi-valued custom attributes, …); at most {options.MaxFilterMultiValuedTerms} are allowed in one filter (limit Scim:MaxFilterMultiValuedTerms).");
    }

    static Terms Add(Terms a, Terms b) => new(a.Substring + b.Substring, a.MultiValued + b.MultiValued);

    /// <summary>Multi-valued attributes (emails, members, multi-valued custom ones): each term an EXISTS over items.</summary>
    static bool IsMultiValued(AttrPathRef path, ResourceTypeDef type) => type.Resolve(path.FullPath)?.Attribute.MultiValued == true;
}
