-- Placement search: where postcode districts are (British National Grid
-- metres, from the ONS postcode directory or the council's own list), each
-- search as evidence (who, when, criteria, results), and the targeted
-- referrals with their offers and declines.
CREATE TABLE postcode_locations (
    district TEXT PRIMARY KEY,
    easting BIGINT NOT NULL,
    northing BIGINT NOT NULL
);

CREATE TABLE placement_searches (
    id {{pk}},
    request_id BIGINT NOT NULL REFERENCES placement_requests (id),
    searched_by BIGINT REFERENCES users (id),
    searched_at TEXT NOT NULL,
    criteria TEXT NOT NULL,
    results TEXT NOT NULL,
    considered BIGINT NOT NULL,
    excluded BIGINT NOT NULL,
    state TEXT NOT NULL,
    chosen_referral_id BIGINT,
    rationale TEXT,
    chosen_by BIGINT REFERENCES users (id),
    chosen_at TEXT,
    version BIGINT NOT NULL
);
CREATE INDEX placement_searches_by_request ON placement_searches (request_id);

CREATE TABLE search_referrals (
    id {{pk}},
    search_id BIGINT NOT NULL REFERENCES placement_searches (id),
    pass TEXT NOT NULL,
    candidate_id BIGINT NOT NULL,
    candidate_name TEXT NOT NULL,
    provider_id BIGINT REFERENCES providers (id),
    search_rank BIGINT NOT NULL,
    score BIGINT NOT NULL,
    tier BIGINT,
    listed_weekly_pence BIGINT,
    sent_by BIGINT REFERENCES users (id),
    sent_at TEXT NOT NULL,
    respond_by TEXT NOT NULL,
    response TEXT NOT NULL,
    responded_at TEXT,
    offer_weekly_pence BIGINT,
    conditions TEXT,
    decline_reason TEXT,
    version BIGINT NOT NULL,
    UNIQUE (search_id, pass, candidate_id)
);
CREATE INDEX search_referrals_by_search ON search_referrals (search_id);

-- What a household's approval terms say it can take, as need codes, so the
-- search can check a child's needs and risks against in-house carers too.
ALTER TABLE foster_households ADD COLUMN accepts TEXT NOT NULL DEFAULT '';
