-- Commissioning: the provider register (organisations, settings with
-- their registration history, in-house foster carer households,
-- vacancies), accreditation against a configurable checklist, frameworks
-- with lots, tiers and rate cards, placement agreements with
-- effective-dated price lines and variations, and contract monitoring.
-- Conventions as in 0001: dates TEXT YYYY-MM-DD, money BIGINT pence,
-- flags BIGINT 0/1.

ALTER TABLE providers ADD COLUMN companies_house_number TEXT;
ALTER TABLE providers ADD COLUMN charity_number TEXT;
ALTER TABLE providers ADD COLUMN for_profit BIGINT NOT NULL DEFAULT 0;
ALTER TABLE providers ADD COLUMN legal_form TEXT NOT NULL DEFAULT 'company-limited-by-shares';
ALTER TABLE providers ADD COLUMN suspended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE providers ADD COLUMN suspended_reason TEXT;
-- What the regional consortium's feed last said.
ALTER TABLE providers ADD COLUMN consortium_ref TEXT;
ALTER TABLE providers ADD COLUMN consortium_status TEXT;
ALTER TABLE providers ADD COLUMN consortium_until TEXT;
CREATE UNIQUE INDEX providers_by_consortium_ref ON providers (consortium_ref);

CREATE TABLE settings (
    id {{pk}},
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    name TEXT NOT NULL,
    setting_type TEXT NOT NULL,
    regulator TEXT NOT NULL,
    registration_number TEXT,
    registration_status TEXT NOT NULL,
    grade TEXT NOT NULL,
    inspected_on TEXT,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    age_min BIGINT NOT NULL,
    age_max BIGINT NOT NULL,
    needs TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL,
    local_authority TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX settings_by_provider ON settings (provider_id);
CREATE UNIQUE INDEX settings_by_registration_number ON settings (registration_number);

CREATE TABLE setting_registrations (
    id {{pk}},
    setting_id BIGINT NOT NULL REFERENCES settings (id),
    status TEXT NOT NULL,
    from_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX setting_registrations_by_setting ON setting_registrations (setting_id, from_date);

ALTER TABLE placements ADD COLUMN setting_id BIGINT REFERENCES settings (id);

CREATE TABLE foster_households (
    id {{pk}},
    reference TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    approval_type TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    extended BIGINT NOT NULL DEFAULT 0,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    age_min BIGINT NOT NULL,
    age_max BIGINT NOT NULL,
    supervising_worker_id BIGINT REFERENCES users (id),
    postcode TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE vacancies (
    id {{pk}},
    setting_id BIGINT NOT NULL REFERENCES settings (id),
    recorded_on TEXT NOT NULL,
    places BIGINT NOT NULL CHECK (places >= 0),
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX vacancies_by_setting ON vacancies (setting_id, recorded_on);

CREATE TABLE accreditation_items (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    required BIGINT NOT NULL,
    valid_for_months BIGINT NOT NULL CHECK (valid_for_months > 0),
    position BIGINT NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO accreditation_items (code, label, required, valid_for_months, position, version) VALUES
    ('registration', 'Registration with Ofsted or CIW', 1, 12, 1, 1),
    ('insurance', 'Insurance (employer''s, public and professional liability)', 1, 12, 2, 1),
    ('safeguarding', 'Safeguarding policy', 1, 12, 3, 1),
    ('financial', 'Financial checks (accounts and credit rating)', 1, 12, 4, 1),
    ('workforce', 'Workforce and DBS policy', 1, 24, 5, 1),
    ('continuity', 'Business continuity plan', 1, 24, 6, 1);

CREATE TABLE accreditation_reviews (
    id {{pk}},
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    item TEXT NOT NULL REFERENCES accreditation_items (code),
    finding TEXT NOT NULL,
    evidence TEXT NOT NULL,
    reviewer_id BIGINT REFERENCES users (id),
    reviewed_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX accreditation_reviews_by_provider ON accreditation_reviews (provider_id, item, reviewed_on);

CREATE TABLE frameworks (
    id {{pk}},
    name TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE framework_lots (
    id {{pk}},
    framework_id BIGINT NOT NULL REFERENCES frameworks (id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    UNIQUE (framework_id, name)
);

-- A provider on a lot, at a tier, with its core weekly rate (the rate card).
CREATE TABLE framework_members (
    id {{pk}},
    lot_id BIGINT NOT NULL REFERENCES framework_lots (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    tier BIGINT NOT NULL CHECK (tier BETWEEN 1 AND 9),
    weekly_rate_pence BIGINT NOT NULL CHECK (weekly_rate_pence >= 0),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX framework_members_by_provider ON framework_members (provider_id);

CREATE TABLE placement_agreements (
    id {{pk}},
    placement_id BIGINT NOT NULL UNIQUE REFERENCES placements (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    route TEXT NOT NULL,
    tier BIGINT,
    spot_reason TEXT,
    spot_note TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date TEXT,
    signature_status TEXT NOT NULL,
    social_care_percent BIGINT NOT NULL,
    education_percent BIGINT NOT NULL,
    health_percent BIGINT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    CHECK (social_care_percent + education_percent + health_percent = 100)
);
CREATE INDEX placement_agreements_by_end ON placement_agreements (end_date);

CREATE TABLE agreement_variations (
    id {{pk}},
    agreement_id BIGINT NOT NULL REFERENCES placement_agreements (id),
    effective_from TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- JSON: the proposed price lines and new end date.
    proposal TEXT NOT NULL,
    state TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    decided_by BIGINT REFERENCES users (id),
    decided_at TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX agreement_variations_by_agreement ON agreement_variations (agreement_id);

-- Price lines are only ever added: a variation adds lines from its date.
CREATE TABLE agreement_lines (
    id {{pk}},
    agreement_id BIGINT NOT NULL REFERENCES placement_agreements (id),
    kind TEXT NOT NULL,
    weekly_pence BIGINT NOT NULL CHECK (weekly_pence >= 0),
    effective_from TEXT NOT NULL,
    variation_id BIGINT REFERENCES agreement_variations (id)
);
CREATE INDEX agreement_lines_by_agreement ON agreement_lines (agreement_id, effective_from);

-- Who monitors each placement, and the host authority for placements
-- out of the council's area.
CREATE TABLE monitoring_assignments (
    placement_id BIGINT PRIMARY KEY REFERENCES placements (id),
    officer_id BIGINT NOT NULL REFERENCES users (id),
    host_authority TEXT,
    host_notified_on TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX monitoring_assignments_by_officer ON monitoring_assignments (officer_id);

CREATE TABLE monitoring_events (
    id {{pk}},
    placement_id BIGINT REFERENCES placements (id),
    setting_id BIGINT REFERENCES settings (id),
    household_id BIGINT REFERENCES foster_households (id),
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    officer_id BIGINT REFERENCES users (id),
    quality_score BIGINT CHECK (quality_score BETWEEN 1 AND 4),
    summary TEXT NOT NULL,
    action TEXT NOT NULL DEFAULT '',
    action_due TEXT,
    closed_on TEXT,
    created_at TEXT NOT NULL,
    CHECK ((placement_id IS NOT NULL) OR (setting_id IS NOT NULL) OR (household_id IS NOT NULL))
);
CREATE INDEX monitoring_events_by_placement ON monitoring_events (placement_id, occurred_on);
CREATE INDEX monitoring_events_by_setting ON monitoring_events (setting_id, occurred_on);
CREATE INDEX monitoring_events_by_household ON monitoring_events (household_id, occurred_on);

-- A Gateway request may name the provider; an approved request whose
-- provider was not accredited is the exception that allows the placement.
ALTER TABLE placement_requests ADD COLUMN provider_id BIGINT REFERENCES providers (id);
ALTER TABLE placement_requests ADD COLUMN unaccredited_provider BIGINT NOT NULL DEFAULT 0;
