-- Gateway: placement and care-package requests and their approvals.

CREATE TABLE placement_requests (
    id {{pk}},
    child_id BIGINT NOT NULL REFERENCES children (id),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL,
    urgency TEXT NOT NULL,
    category TEXT NOT NULL,
    weekly_cost_pence BIGINT NOT NULL,
    out_of_area BIGINT NOT NULL DEFAULT 0,
    at_distance BIGINT NOT NULL DEFAULT 0,
    unregistered BIGINT NOT NULL DEFAULT 0,
    needs TEXT NOT NULL,
    justification TEXT NOT NULL,
    -- JSON list of the roles whose approval the matrix requires.
    required_approvals TEXT NOT NULL DEFAULT '[]',
    decision_reasons TEXT,
    conditions TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX placement_requests_by_state ON placement_requests (state);
CREATE INDEX placement_requests_by_child ON placement_requests (child_id);

CREATE TABLE request_approvals (
    id {{pk}},
    request_id BIGINT NOT NULL REFERENCES placement_requests (id),
    approver_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    approved_at TEXT NOT NULL
);
CREATE INDEX request_approvals_by_request ON request_approvals (request_id);
