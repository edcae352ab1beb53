-- Who writes and for which request, set by a procedure that ScimLite calls in front of a write transaction's first
-- statement, in the same round trip (ScimLite/Data/WriteTransaction.cs). A CALL returns no result set, so the
-- statement after it reads as if sent alone. The settings are transaction-local, as before (sql/0003_journal.sql):
-- scimlite.client, scimlite.request_id and scimlite.method; '' reads as unset in the triggers.
CREATE PROCEDURE scimlite_write_context(client text, request_id text, method text)
    LANGUAGE sql
AS $$
    SELECT set_config('scimlite.client', client, true), set_config('scimlite.request_id', request_id, true),
           set_config('scimlite.method', method, true);
$$;
