-- Assurance: continuous controls monitoring (each pass and its results per
-- control, and the exceptions found, assigned and resolved with
-- evidence), internal audit (plans, engagements, tests with reproducible
-- samples, workpapers, findings linked to controls, management responses,
-- action plans with their updates, follow-ups), committees (meetings,
-- agenda items, resolutions tracked to actions, generated packs) and staff
-- training records.

-- The day a placement agreement became signed by both parties, so a
-- control can ask whether it was signed by the placement's start.
-- Agreements signed before this column existed take the day from the
-- audit trail, which recorded the signature.
ALTER TABLE placement_agreements ADD COLUMN fully_signed_on TEXT;
UPDATE placement_agreements SET fully_signed_on = (
    SELECT substr(MIN(e.at), 1, 10) FROM audit_events e
    WHERE e.entity = 'agreement' AND e.entity_id = CAST(placement_agreements.id AS TEXT)
      AND e.action = 'agreement.signature' AND e.after_json = '"fully-signed"'
) WHERE signature_status = 'fully-signed';

CREATE TABLE control_runs (
    id {{pk}},
    run_at TEXT NOT NULL,
    run_on TEXT NOT NULL,
    exceptions BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL
);

-- Each control's population and exceptions in each pass: the trend.
CREATE TABLE control_results (
    run_id BIGINT NOT NULL REFERENCES control_runs (id),
    control_id TEXT NOT NULL,
    population BIGINT NOT NULL,
    exceptions BIGINT NOT NULL,
    PRIMARY KEY (run_id, control_id)
);

-- One row per control and subject. `state` is open while the rule fires,
-- cleared when the data no longer breaks it, resolved when a person
-- resolved it with evidence; an exception that clears and fires again
-- reopens.
CREATE TABLE control_exceptions (
    id {{pk}},
    control_id TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    child_id BIGINT REFERENCES children (id),
    detail TEXT NOT NULL,
    since TEXT NOT NULL,
    first_seen_on TEXT NOT NULL,
    last_seen_on TEXT NOT NULL,
    state TEXT NOT NULL,
    assigned_to BIGINT REFERENCES users (id),
    resolved_by BIGINT REFERENCES users (id),
    resolved_at TEXT,
    resolution TEXT,
    evidence TEXT,
    version BIGINT NOT NULL,
    UNIQUE (control_id, subject_kind, subject_id)
);
CREATE INDEX control_exceptions_by_state ON control_exceptions (state, control_id);
CREATE INDEX control_exceptions_by_child ON control_exceptions (child_id);

CREATE TABLE audit_plans (
    id {{pk}},
    year_start TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    approved_on TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE audit_engagements (
    id {{pk}},
    plan_id BIGINT NOT NULL REFERENCES audit_plans (id),
    title TEXT NOT NULL,
    area TEXT NOT NULL,
    scope TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    lead_id BIGINT REFERENCES users (id),
    -- JSON list of user ids in the audit team.
    team TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL,
    opinion TEXT,
    opinion_on TEXT,
    follow_up_of BIGINT REFERENCES audit_engagements (id),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX audit_engagements_by_plan ON audit_engagements (plan_id);

-- A test programme step: the population, how the sample was drawn and the
-- seed, so anyone can draw the same sample again.
CREATE TABLE audit_tests (
    id {{pk}},
    engagement_id BIGINT NOT NULL REFERENCES audit_engagements (id),
    title TEXT NOT NULL,
    control_id TEXT,
    population TEXT NOT NULL,
    method TEXT NOT NULL,
    seed BIGINT NOT NULL,
    population_size BIGINT NOT NULL,
    sample_size BIGINT NOT NULL,
    -- JSON list of the sampled records' ids.
    sample TEXT NOT NULL,
    conclusion TEXT,
    drawn_by BIGINT REFERENCES users (id),
    drawn_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX audit_tests_by_engagement ON audit_tests (engagement_id);

-- Workpapers with their evidence; an attached file's bytes are kept as
-- base64 text (portable types only).
CREATE TABLE audit_workpapers (
    id {{pk}},
    engagement_id BIGINT NOT NULL REFERENCES audit_engagements (id),
    test_id BIGINT REFERENCES audit_tests (id),
    title TEXT NOT NULL,
    notes TEXT NOT NULL,
    file_name TEXT,
    content_type TEXT,
    content_base64 TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX audit_workpapers_by_engagement ON audit_workpapers (engagement_id);

CREATE TABLE audit_findings (
    id {{pk}},
    engagement_id BIGINT NOT NULL REFERENCES audit_engagements (id),
    -- `finding` (with a rating) or `strength`.
    kind TEXT NOT NULL,
    rating TEXT,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    recommendation TEXT NOT NULL DEFAULT '',
    management_response TEXT,
    responded_by BIGINT REFERENCES users (id),
    responded_at TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX audit_findings_by_engagement ON audit_findings (engagement_id);

CREATE TABLE finding_controls (
    finding_id BIGINT NOT NULL REFERENCES audit_findings (id),
    control_id TEXT NOT NULL,
    PRIMARY KEY (finding_id, control_id)
);

CREATE TABLE audit_actions (
    id {{pk}},
    finding_id BIGINT NOT NULL REFERENCES audit_findings (id),
    description TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    target_on TEXT NOT NULL,
    completed_on TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX audit_actions_by_finding ON audit_actions (finding_id);

-- Every update to an action, with any revised target date: the history
-- the RAG status and the escalation are read from.
CREATE TABLE action_updates (
    id {{pk}},
    action_id BIGINT NOT NULL REFERENCES audit_actions (id),
    note TEXT NOT NULL,
    revised_target_on TEXT,
    completed BIGINT NOT NULL DEFAULT 0,
    updated_by BIGINT REFERENCES users (id),
    updated_at TEXT NOT NULL
);
CREATE INDEX action_updates_by_action ON action_updates (action_id);

CREATE TABLE committee_meetings (
    id {{pk}},
    committee TEXT NOT NULL,
    meets_on TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE agenda_items (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings (id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    engagement_id BIGINT REFERENCES audit_engagements (id),
    created_at TEXT NOT NULL
);
CREATE INDEX agenda_items_by_meeting ON agenda_items (meeting_id, position);

-- A resolution, tracked to the action it asks for and the meeting it is
-- due back at.
CREATE TABLE resolutions (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings (id),
    agenda_item_id BIGINT REFERENCES agenda_items (id),
    text TEXT NOT NULL,
    action_id BIGINT REFERENCES audit_actions (id),
    due_meeting_id BIGINT REFERENCES committee_meetings (id),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX resolutions_by_meeting ON resolutions (meeting_id);

-- A pack as generated for a meeting: kept so the minutes refer to a fixed
-- document, not to figures that have moved since.
CREATE TABLE committee_packs (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES committee_meetings (id),
    generated_at TEXT NOT NULL,
    generated_by BIGINT REFERENCES users (id),
    html TEXT NOT NULL,
    xlsx_base64 TEXT NOT NULL
);
CREATE INDEX committee_packs_by_meeting ON committee_packs (meeting_id);

CREATE TABLE training_records (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    course TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    expires_on TEXT,
    recorded_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX training_records_by_user ON training_records (user_id);

-- dialect: sqlite
CREATE TRIGGER action_updates_no_update BEFORE UPDATE ON action_updates
BEGIN SELECT RAISE(ABORT, 'action_updates is append-only'); END;
CREATE TRIGGER action_updates_no_delete BEFORE DELETE ON action_updates
BEGIN SELECT RAISE(ABORT, 'action_updates is append-only'); END;
CREATE TRIGGER committee_packs_no_update BEFORE UPDATE ON committee_packs
BEGIN SELECT RAISE(ABORT, 'committee_packs is append-only'); END;

-- dialect: postgres
CREATE TRIGGER action_updates_append_only BEFORE UPDATE OR DELETE ON action_updates
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER committee_packs_append_only BEFORE UPDATE ON committee_packs
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
