using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Store.Kinds;

namespace ScimLite.Users;

/// <summary>
/// The write-only password (RFC 7643 §4.1.1): kept only as a salted hash in <c>users.password_hash</c>, never returned
/// and never filtered on. A POST or PUT that sends one hands the cleartext to the store (<see cref="Cleartext"/>), which
/// keeps the stored hash when it already matches; a PATCH sets the new hash.
/// </summary>
sealed class PasswordStorage(PasswordHasher hasher) : AttributeStorage
{
    /// <summary>The salted hash of the write-only password: written by the store, never selected.</summary>
    public const string HashColumn = "password_hash";

    /// <summary>A password as sent in a POST or PUT, to be hashed by the store (<see cref="UserStore"/>).</summary>
    public sealed record Cleartext(string Password);

    /// <summary>An absent password leaves the stored one as it is: a client cannot read it back to resend it.</summary>
    public override void Read(ColumnSet columns, AttributeDef attribute, JsonElement value, string where, ValueLimits limits)
    {
        if (value.ValueKind != JsonValueKind.Undefined && ScimValues.ToText(value, where) is { } password)
            columns.Set(HashColumn, new Cleartext(password));
    }

    public override void Patch(UpdatePlan plan, PatchStep step) =>
        plan.SetValue(HashColumn, step.Op == PatchOpKind.Remove ? null : hasher.Hash(ScimValues.ToText(step.Value, step.Attribute.Name)));

    public override string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value) =>
        throw c.Error("Filtering on 'password' is not supported: ScimLite keeps only a salted hash.");
}
