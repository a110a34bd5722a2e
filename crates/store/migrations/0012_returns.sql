-- Statutory returns: the SSDA903 facts not held elsewhere (motherhood,
-- review participation, missing spells, OC2 health outcomes, OC3 care-leaver
-- contact, adoption, should-be-placed decisions, previous permanence,
-- deprivation of liberty orders, Social Work England numbers), and where an
-- imported row came from, so a re-run import updates instead of duplicating.
-- Conventions as in 0001: dates TEXT YYYY-MM-DD, flags BIGINT 0/1.

-- MOTHER: NULL not recorded, 0 or 1; MC_DOB: her first child's birth.
ALTER TABLE children ADD COLUMN mother BIGINT;
ALTER TABLE children ADD COLUMN first_child_born_on TEXT;
-- The source system's id for imported children ("ssd:123"), unique when set.
ALTER TABLE children ADD COLUMN source_ref TEXT;
CREATE UNIQUE INDEX children_by_source_ref ON children (source_ref);

-- Reviews: how the child took part (PN0-PN7).
ALTER TABLE care_events ADD COLUMN participation TEXT;
ALTER TABLE care_events ADD COLUMN source_ref TEXT;
ALTER TABLE periods_of_care ADD COLUMN source_ref TEXT;
ALTER TABLE legal_statuses ADD COLUMN source_ref TEXT;
ALTER TABLE placements ADD COLUMN source_ref TEXT;
ALTER TABLE worker_allocations ADD COLUMN source_ref TEXT;
-- SW_REASON for the change of worker (MANAGE, FCONTA, ...).
ALTER TABLE worker_allocations ADD COLUMN sw_reason TEXT;

-- Social Work England registration (without the SW prefix) and the source
-- system's id for imported workers.
ALTER TABLE users ADD COLUMN swe_number TEXT;
ALTER TABLE users ADD COLUMN source_ref TEXT;

CREATE TABLE missing_episodes (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    source_ref TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX missing_episodes_by_child ON missing_episodes (child_id, start_date);

-- OC2: one row per child and collection year (the year ending 31 March).
CREATE TABLE health_outcomes (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    collection_year BIGINT NOT NULL,
    sdq_score BIGINT,
    sdq_reason TEXT,
    convicted BIGINT,
    health_check BIGINT,
    immunisations BIGINT,
    teeth_check BIGINT,
    health_assessment BIGINT,
    substance_misuse BIGINT,
    intervention_received BIGINT,
    intervention_offered BIGINT,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (child_id, collection_year)
);

-- OC3: a care leaver's situation around a birthday from the 17th to the 21st.
CREATE TABLE care_leaver_contacts (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    collection_year BIGINT NOT NULL,
    in_touch TEXT NOT NULL,
    activity TEXT NOT NULL,
    accommodation TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (child_id, collection_year)
);

-- AD1: the adoption (one per child).
CREATE TABLE adoptions (
    id {{pk}},
    child_id BIGINT NOT NULL UNIQUE REFERENCES children (id),
    should_be_placed_on TEXT,
    matched_on TEXT,
    by_foster_carer BIGINT,
    number_of_adopters BIGINT,
    adopter_sexes TEXT,
    adopter_status TEXT,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

-- PlacedAdoption: decisions that the child should be placed for adoption.
CREATE TABLE adoption_decisions (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    decided_on TEXT NOT NULL,
    ceased_on TEXT,
    reason_ceased TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX adoption_decisions_by_child ON adoption_decisions (child_id, decided_on);

-- PrevPerm: permanence before a period of care (one per period start).
-- DATE_PERM may have unknown parts (ZZ/ZZ/2019), so it stays text.
CREATE TABLE previous_permanence (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    period_start TEXT NOT NULL,
    arrangement TEXT NOT NULL,
    la_code TEXT,
    date_text TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (child_id, period_start)
);

-- DoLo: deprivation of liberty orders (collected from 2026-27).
CREATE TABLE dolo_orders (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX dolo_orders_by_child ON dolo_orders (child_id, start_date);
