-- An UPDATE of a user or group that changes nothing no longer calls the journal's trigger function
-- (sql/0003_journal.sql, 0010_journal_bounds.sql); what the journal records is unchanged.
--
-- Identity providers resend what did not change: Okta pushes a user's whole profile with PUT when any attribute changes
-- in Okta, mapped or not, and repeats a deactivation. ScimLite's UPDATE then leaves every column as it was (version and
-- last_modified move only when something changed), and the trigger function found an empty diff and wrote nothing, after
-- converting both rows to JSON and comparing them key by key. The trigger on UPDATE now has a WHEN condition, which
-- PostgreSQL evaluates without calling the function: a row equal to its old self, column by column, is skipped. A row
-- that differs only in bookkeeping columns (a group's version after a membership change) still reaches the function,
-- which writes nothing for it, as before.
--
-- A WHEN condition may use OLD only on UPDATE and NEW only on INSERT, so each table's trigger is split in two with the
-- same function: <table>_journal for INSERT and DELETE, <table>_journal_update for UPDATE. Both fire AFTER the row
-- change, in the same transaction, as before.

DROP TRIGGER users_journal ON users;
CREATE TRIGGER users_journal AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION journal_resource_change('User', 'user_name');
CREATE TRIGGER users_journal_update AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION journal_resource_change('User', 'user_name');

DROP TRIGGER groups_journal ON groups;
CREATE TRIGGER groups_journal AFTER INSERT OR DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION journal_resource_change('Group', 'display_name');
CREATE TRIGGER groups_journal_update AFTER UPDATE ON groups
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION journal_resource_change('Group', 'display_name');
