-- Children's records: identity, care history as intervals, assessments,
-- dated care events (plans, reviews, visits, health, education), worker
-- allocations, addresses, relationships, restricted records with
-- break-glass access, and notifications for work trays.
-- Conventions as in 0001: dates TEXT YYYY-MM-DD, flags BIGINT 0/1.

ALTER TABLE children ADD COLUMN upn TEXT;
ALTER TABLE children ADD COLUMN nhs_number TEXT;
ALTER TABLE children ADD COLUMN gender_identity TEXT NOT NULL DEFAULT 'not-recorded';
ALTER TABLE children ADD COLUMN birth_day_unknown BIGINT NOT NULL DEFAULT 0;
ALTER TABLE children ADD COLUMN uasc BIGINT NOT NULL DEFAULT 0;
ALTER TABLE children ADD COLUMN uasc_ceased TEXT;
ALTER TABLE children ADD COLUMN disabilities TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN restricted BIGINT NOT NULL DEFAULT 0;
-- Soundex keys of every name word, " A100 S530 ", for tolerant search.
ALTER TABLE children ADD COLUMN name_keys TEXT NOT NULL DEFAULT '';
CREATE INDEX children_by_date_of_birth ON children (date_of_birth);

ALTER TABLE placements ADD COLUMN provider_type TEXT;
ALTER TABLE placements ADD COLUMN urn TEXT;
ALTER TABLE placements ADD COLUMN reason_for_change TEXT;
ALTER TABLE placements ADD COLUMN long_term BIGINT NOT NULL DEFAULT 0;
ALTER TABLE placements ADD COLUMN placement_plan_on TEXT;

CREATE TABLE periods_of_care (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    reason_ceased TEXT,
    category_of_need TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX periods_of_care_by_child ON periods_of_care (child_id, start_date);

CREATE TABLE legal_statuses (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    code TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX legal_statuses_by_child ON legal_statuses (child_id, start_date);

CREATE TABLE child_addresses (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL,
    line TEXT NOT NULL,
    postcode TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT
);
CREATE INDEX child_addresses_by_child ON child_addresses (child_id);

CREATE TABLE child_relationships (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL,
    related_child_id BIGINT REFERENCES children (id),
    name TEXT,
    notes TEXT
);
CREATE INDEX child_relationships_by_child ON child_relationships (child_id);

CREATE TABLE worker_allocations (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    worker_id BIGINT NOT NULL REFERENCES users (id),
    team_id BIGINT REFERENCES teams (id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX worker_allocations_by_child ON worker_allocations (child_id, start_date);

CREATE TABLE assessments (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL,
    started_on TEXT NOT NULL,
    state TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    summary TEXT NOT NULL,
    submitted_on TEXT,
    authorised_by BIGINT REFERENCES users (id),
    completed_on TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX assessments_by_child ON assessments (child_id, started_on);

-- Dated events the statutory timescales are keyed to: care-plan, review,
-- visit, health-assessment, pep.
CREATE TABLE care_events (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX care_events_by_child ON care_events (child_id, kind, occurred_on);

CREATE TABLE restricted_teams (
    child_id BIGINT NOT NULL REFERENCES children (id),
    team_id BIGINT NOT NULL REFERENCES teams (id),
    PRIMARY KEY (child_id, team_id)
);

CREATE TABLE break_glass_grants (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX break_glass_by_user ON break_glass_grants (user_id, child_id);

CREATE TABLE notifications (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_by_user ON notifications (user_id, read_at);
