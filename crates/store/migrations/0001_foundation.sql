-- Foundation: accounts, teams, sessions, API tokens, the audit trail, the
-- access log, and the first slice of children, providers and placements.
--
-- This file is the ONE migration source for both backends. It is written in
-- the SQL that SQLite and PostgreSQL share; `{{pk}}` expands to each backend's
-- auto-numbered primary key, and the few statements that cannot be shared
-- (trigger bodies) sit side by side under `-- dialect:` markers.
-- Conventions: instants are TEXT in RFC 3339 UTC with microseconds; dates are
-- TEXT YYYY-MM-DD; money is BIGINT pence; flags are BIGINT 0 or 1 (sqlx's
-- Any driver cannot read SQLite's BOOLEAN); mutable rows carry `version`.

CREATE TABLE teams (
    id {{pk}},
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id {{pk}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_by_user ON team_members (user_id);

CREATE TABLE sessions (
    id {{pk}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Keys are SHA-256 of "user:<name>" or "ip:<address>", so the table holds
-- no usernames or addresses in clear.
CREATE TABLE login_attempts (
    id {{pk}},
    key_hash TEXT NOT NULL,
    at TEXT NOT NULL,
    succeeded BIGINT NOT NULL CHECK (succeeded IN (0, 1))
);
CREATE INDEX login_attempts_by_key ON login_attempts (key_hash, at);

CREATE TABLE api_tokens (
    id {{pk}},
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);

-- The audit trail. `seq` is assigned by the store under the audit_head lock,
-- so it has no gaps; `hash` chains each event to the one before.
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_by_entity ON audit_events (entity, entity_id);

-- One row: the last event's number and hash. Every write transaction updates
-- it first, which serialises writers on both backends and lets `audit verify`
-- notice events removed from the end of the chain.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    claimed_at TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, claimed_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '1970-01-01T00:00:00.000000Z');

CREATE TABLE providers (
    id {{pk}},
    name TEXT NOT NULL,
    provider_type TEXT NOT NULL,
    ofsted_urn TEXT,
    postcode TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE children (
    id {{pk}},
    la_child_id TEXT NOT NULL UNIQUE,
    given_names TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    team_id BIGINT REFERENCES teams (id),
    allocated_worker_id BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX children_by_worker ON children (allocated_worker_id);
CREATE INDEX children_by_team ON children (team_id);
CREATE INDEX children_by_family_name ON children (family_name);

CREATE TABLE placements (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    provider_id BIGINT REFERENCES providers (id),
    category TEXT NOT NULL,
    place_code TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    weekly_cost_pence BIGINT NOT NULL,
    postcode TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX placements_by_child ON placements (child_id, start_date);
CREATE INDEX placements_by_provider ON placements (provider_id);

-- Every opening of a child's record. Append-only like the audit trail.
CREATE TABLE access_log (
    id {{pk}},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX access_log_by_child ON access_log (child_id, at);

-- dialect: sqlite
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;

-- dialect: postgres
CREATE FUNCTION hearth_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$body$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
FOR EACH STATEMENT EXECUTE FUNCTION hearth_refuse_change();
