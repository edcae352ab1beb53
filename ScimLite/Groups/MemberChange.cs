using Dapper;

namespace ScimLite.Groups;

/// <summary>
/// One change to a group's membership, as a POST, PUT or PATCH asks for it: a closed set that
/// <see cref="GroupMembers.ApplyAsync"/> turns into targeted statements on link inside the request's transaction.
/// </summary>
public abstract record MemberChange
{
    MemberChange() { }

    /// <summary>Adds the users or groups with these ids that are not members yet; an unknown id is 400.</summary>
    public sealed record Add(Guid[] Ids) : MemberChange;

    /// <summary>Removes these members; naming a non-member is not an error (Entra's value-list remove).</summary>
    public sealed record Remove(Guid[] Ids) : MemberChange;

    /// <summary>Removes the members a compiled value filter selects over the link row <c>l</c> (Okta's <c>members[value eq "id"]</c>).</summary>
    public sealed record RemoveWhere(string Predicate, DynamicParameters Parameters) : MemberChange;

    /// <summary>Empties the group (remove <c>members</c> with no value).</summary>
    public sealed record RemoveAll : MemberChange;

    /// <summary>Makes the membership exactly these ids (PUT, replace <c>members</c>).</summary>
    public sealed record ReplaceAll(Guid[] Ids) : MemberChange;
}
