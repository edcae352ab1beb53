-- ScimLite schema, version 1: the tables an identity provider writes through SCIM and the application reads.
--
-- How SCIM attributes are stored
--   * Every single-valued attribute is a real column, named in snake_case after the SCIM attribute:
--     userName -> user_name, name.givenName -> given_name, the Enterprise extension's costCenter -> cost_center, ...
--     These are the attributes identity providers filter, sort and update one by one, so each gets a column a DBA can
--     index and an UPDATE can touch alone.
--   * Multi-valued complex attributes (emails, phoneNumbers, ims, photos, addresses, entitlements, roles,
--     x509Certificates) are jsonb arrays holding the items as the client sent them (known sub-attributes only),
--     e.g. emails = [{"value": "a@b.c", "type": "work", "primary": true}]. NULL means "no value". They are read and
--     written whole with their user, and filtered in SQL with jsonb_array_elements; the lookup identity providers
--     send (emails.value eq "...") has a GIN index through users_email_values below.
--   * Group membership is the link table, one row per (group, member); a member is a user or another group.
--     users.groups is not stored: it is computed from link.
--   * password is never kept in clear: password_hash holds a PBKDF2-SHA256 hash ("pbkdf2-sha256$iterations$salt$hash").
--   * version counts writes; meta.version / ETag is W/"<version>". created / last_modified are meta.created /
--     meta.lastModified.

-- Lower-cased email values of one user, for the GIN index that serves `emails.value eq "..."` (emails are not
-- case-exact in SCIM). IMMUTABLE so it may appear in an index expression; queries must call it the same way.
CREATE FUNCTION scim_email_values(emails jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT lower(e ->> 'value') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(emails) = 'array' THEN emails ELSE '[]'::jsonb END) AS e WHERE e ->> 'value' IS NOT NULL);

CREATE TABLE users (
    id                 uuid        NOT NULL,
    user_name          text        NOT NULL,
    external_id        text,
    active             boolean     NOT NULL DEFAULT true,
    display_name       text,
    nick_name          text,
    profile_url        text,
    title              text,
    user_type          text,
    preferred_language text,
    locale             text,
    timezone           text,
    -- name.*
    formatted          text,
    family_name        text,
    given_name         text,
    middle_name        text,
    honorific_prefix   text,
    honorific_suffix   text,
    password_hash      text,
    -- multi-valued attributes, see the header
    emails             jsonb,
    phone_numbers      jsonb,
    ims                jsonb,
    photos             jsonb,
    addresses          jsonb,
    entitlements       jsonb,
    roles              jsonb,
    x509_certificates  jsonb,
    -- urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
    employee_number    text,
    cost_center        text,
    organization       text,
    division           text,
    department         text,
    manager_id         uuid,
    created            timestamptz NOT NULL,
    last_modified      timestamptz NOT NULL,
    version            bigint      NOT NULL DEFAULT 1,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_user_name_not_empty CHECK (user_name <> ''),
    -- A manager who is deleted leaves the field empty rather than blocking the delete.
    CONSTRAINT users_manager_fkey FOREIGN KEY (manager_id) REFERENCES users (id) ON DELETE SET NULL
);

-- userName is unique ignoring case (RFC 7643 §4.1) but stored exactly as sent; the index also serves Okta's and
-- Entra's `userName eq "..."` lookups.
CREATE UNIQUE INDEX users_user_name_key ON users (lower(user_name));
CREATE INDEX users_external_id_idx ON users (external_id);
CREATE INDEX users_email_values_idx ON users USING gin (scim_email_values(emails));
CREATE INDEX users_manager_id_idx ON users (manager_id);

CREATE TABLE groups (
    id            uuid        NOT NULL,
    display_name  text        NOT NULL,
    external_id   text,
    created       timestamptz NOT NULL,
    last_modified timestamptz NOT NULL,
    version       bigint      NOT NULL DEFAULT 1,
    CONSTRAINT groups_pkey PRIMARY KEY (id),
    CONSTRAINT groups_display_name_not_empty CHECK (display_name <> '')
);

-- Identity providers find a group by displayName before creating it (Okta push, Entra); two groups with one name
-- would make them link the wrong one, so the name is unique ignoring case.
CREATE UNIQUE INDEX groups_display_name_key ON groups (lower(display_name));
CREATE INDEX groups_external_id_idx ON groups (external_id);

-- Membership: one row per (group, member). Exactly one of user_id / member_group_id is set. Deleting a user or a
-- group removes its memberships.
CREATE TABLE link (
    group_id        uuid        NOT NULL,
    user_id         uuid,
    member_group_id uuid,
    created         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT link_group_fkey FOREIGN KEY (group_id) REFERENCES groups (id) ON DELETE CASCADE,
    CONSTRAINT link_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT link_member_group_fkey FOREIGN KEY (member_group_id) REFERENCES groups (id) ON DELETE CASCADE,
    CONSTRAINT link_one_member CHECK (num_nonnulls(user_id, member_group_id) = 1),
    CONSTRAINT link_group_user_key UNIQUE (group_id, user_id),
    CONSTRAINT link_group_member_group_key UNIQUE (group_id, member_group_id)
);

-- users.groups and `groups.value eq` look memberships up by member.
CREATE INDEX link_user_id_idx ON link (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX link_member_group_id_idx ON link (member_group_id) WHERE member_group_id IS NOT NULL;
