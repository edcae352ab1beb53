using Dapper;
using Npgsql;

namespace ScimLite.Data;

/// <summary>
/// One write transaction of <see cref="Db.InTransactionAsync{T}"/> or <see cref="Db.InOneStatementAsync{T}"/>: its
/// connection and transaction, and the writer's context (<see cref="WriteContext"/>), which rides in front of the first
/// statement made with <see cref="Command"/>: <c>CALL scimlite_write_context(…);</c> and the statement go in one round
/// trip, and the CALL returns no result set, so Dapper reads the statement's rows as if it were alone. The journal's
/// triggers fire from the first statement on, so that statement must be made here, not on <see cref="Connection"/>
/// directly. With no <see cref="Transaction"/> (a one-statement write) the CALL and the statement are PostgreSQL's
/// implicit transaction of one batch, and a second <see cref="Command"/> would run outside it, so it is refused.
/// </summary>
public sealed class WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction? transaction, WriteContext? writer)
{
    bool made;

    public NpgsqlConnection Connection => connection;
    /// <summary>The explicit transaction; a one-statement write has none.</summary>
    public NpgsqlTransaction Transaction =>
        transaction ?? throw new InvalidOperationException("A one-statement write has no transaction of its own.");

    /// <summary>True until the writer's context has gone out with a statement.</summary>
    public bool ContextPending { get; private set; } = writer is not null;

    /// <summary>The command for <paramref name="sql"/> in this transaction; the first one carries the writer's context.</summary>
    public CommandDefinition Command(string sql, object? parameters, CancellationToken ct)
    {
        if (made && transaction is null)
            throw new InvalidOperationException("A one-statement write made a second statement; use Db.InTransactionAsync.");
        made = true;
        if (!ContextPending)
            return new CommandDefinition(sql, parameters, transaction, cancellationToken: ct);
        ContextPending = false;
        var withContext = new DynamicParameters(parameters);
        writer!.AddTo(withContext);
        return new CommandDefinition(WriteContext.Call + sql, withContext, transaction, cancellationToken: ct);
    }
}
