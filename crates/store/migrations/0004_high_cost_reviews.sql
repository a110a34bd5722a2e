-- Reviews of high-cost placements: when, what was decided, and the actions.

CREATE TABLE high_cost_reviews (
    id {{pk}},
    placement_id BIGINT NOT NULL REFERENCES placements (id),
    reviewed_on TEXT NOT NULL,
    outcome TEXT NOT NULL,
    actions TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX high_cost_reviews_by_placement ON high_cost_reviews (placement_id, reviewed_on);
