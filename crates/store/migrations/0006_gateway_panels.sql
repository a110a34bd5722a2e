-- Gateway, complete: the request's content (DfE placements standard
-- fields), package elements, emergencies and variations, panel meetings
-- with attendance, the delegated-authority matrix under two-administrator
-- control, and email delivery of notifications.

CREATE TABLE panel_meetings (
    id {{pk}},
    meets_on TEXT NOT NULL,
    quorum BIGINT NOT NULL CHECK (quorum > 0),
    papers TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX panel_meetings_by_date ON panel_meetings (meets_on);

CREATE TABLE panel_attendees (
    meeting_id BIGINT NOT NULL REFERENCES panel_meetings (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    chair BIGINT NOT NULL DEFAULT 0 CHECK (chair IN (0, 1)),
    PRIMARY KEY (meeting_id, user_id)
);

-- Space-separated placement category codes.
ALTER TABLE placement_requests ADD COLUMN suitable_types TEXT NOT NULL DEFAULT '';
ALTER TABLE placement_requests ADD COLUMN siblings_together BIGINT NOT NULL DEFAULT 0;
ALTER TABLE placement_requests ADD COLUMN location_preference TEXT NOT NULL DEFAULT 'no-preference';
ALTER TABLE placement_requests ADD COLUMN education_continuity TEXT NOT NULL DEFAULT 'keep-school';
ALTER TABLE placement_requests ADD COLUMN risks TEXT NOT NULL DEFAULT '';
ALTER TABLE placement_requests ADD COLUMN dol_order TEXT;
ALTER TABLE placement_requests ADD COLUMN regulator_notified_on TEXT;
ALTER TABLE placement_requests ADD COLUMN override_reasons TEXT;
-- An emergency placement made out of hours, awaiting ratification.
ALTER TABLE placement_requests ADD COLUMN emergency_placed_on TEXT;
-- A variation (extension, cost increase, change of placement) of an
-- approved request.
ALTER TABLE placement_requests ADD COLUMN variation_of BIGINT REFERENCES placement_requests (id);
ALTER TABLE placement_requests ADD COLUMN variation_kind TEXT;

-- A meeting's agenda: each request listed, and what the panel decided.
-- A request deferred or sent back for information is listed again later,
-- so a request may appear on several meetings' agendas.
CREATE TABLE panel_items (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES panel_meetings (id),
    request_id BIGINT NOT NULL REFERENCES placement_requests (id),
    outcome TEXT,
    reasons TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TEXT
);
CREATE INDEX panel_items_by_meeting ON panel_items (meeting_id);
CREATE INDEX panel_items_by_request ON panel_items (request_id);

CREATE TABLE request_elements (
    id {{pk}},
    request_id BIGINT NOT NULL REFERENCES placement_requests (id),
    kind TEXT NOT NULL,
    weekly_pence BIGINT NOT NULL CHECK (weekly_pence > 0),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_elements_by_request ON request_elements (request_id);

-- Each version of the matrix: proposed by one administrator, approved (made
-- active) or rejected by another. Exactly one is active at a time.
CREATE TABLE matrix_versions (
    id {{pk}},
    rules TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    proposed_at TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TEXT
);

ALTER TABLE notifications ADD COLUMN emailed_at TEXT;

-- Personal API tokens act as the person who made them, with their current
-- roles, so that decisions taken over the API keep the person's name and
-- the segregation of duties that goes with it.
ALTER TABLE api_tokens ADD COLUMN personal BIGINT NOT NULL DEFAULT 0;
