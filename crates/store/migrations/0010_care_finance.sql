-- Care finance: what the council has agreed to pay (service agreements and
-- their effective-dated rate lines), foster carer allowance tables and fee
-- approvals, payment runs with their lines, release keys and balanced
-- ledger journals, provider invoices with their exceptions, recharges to
-- partner bodies, and budgets per year and cost centre.
--
-- Rate lines, payment lines, release keys, ledger entries and recharges
-- are append-only (triggers below): a correction is a new line or a
-- reversing entry, never an edit.

-- An in-house carer's fee level for one placement, proposed by one person
-- and approved by another before anything is paid.
CREATE TABLE carer_fees (
    id {{pk}},
    placement_id BIGINT NOT NULL REFERENCES placements (id),
    household_id BIGINT NOT NULL REFERENCES foster_households (id),
    fee_level BIGINT NOT NULL CHECK (fee_level >= 0),
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    decided_by BIGINT REFERENCES users (id),
    decided_at TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX carer_fees_by_placement ON carer_fees (placement_id);

-- Fostering allowances by age band and fees by level, one table per
-- financial year (JSON: the finance crate's AllowanceTable).
CREATE TABLE allowance_tables (
    year_start TEXT PRIMARY KEY,
    tables_json TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL
);

CREATE TABLE service_agreements (
    id {{pk}},
    placement_id BIGINT NOT NULL UNIQUE REFERENCES placements (id),
    placement_agreement_id BIGINT REFERENCES placement_agreements (id),
    carer_fee_id BIGINT REFERENCES carer_fees (id),
    payee_kind TEXT NOT NULL,
    payee_id BIGINT NOT NULL,
    placement_type TEXT NOT NULL,
    cadence TEXT NOT NULL,
    cost_centre TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    social_care_percent BIGINT NOT NULL,
    education_percent BIGINT NOT NULL,
    health_percent BIGINT NOT NULL,
    -- The last day included in a calculated run: later runs start after it,
    -- and a backdated change adjusts the days up to it.
    paid_through TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    CHECK (social_care_percent + education_percent + health_percent = 100),
    CHECK ((placement_agreement_id IS NOT NULL) OR (carer_fee_id IS NOT NULL))
);
CREATE INDEX service_agreements_by_payee ON service_agreements (payee_kind, payee_id);
CREATE INDEX service_agreements_by_cost_centre ON service_agreements (cost_centre);

CREATE TABLE service_rate_lines (
    id {{pk}},
    service_agreement_id BIGINT NOT NULL REFERENCES service_agreements (id),
    element TEXT NOT NULL,
    weekly_pence BIGINT NOT NULL CHECK (weekly_pence >= 0),
    effective_from TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX service_rate_lines_by_agreement ON service_rate_lines (service_agreement_id, effective_from);

CREATE TABLE payment_runs (
    id {{pk}},
    cadence TEXT NOT NULL,
    period_first TEXT NOT NULL,
    period_last TEXT NOT NULL,
    state TEXT NOT NULL,
    prepared_by BIGINT REFERENCES users (id),
    approved_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    calculated_at TEXT,
    approved_at TEXT,
    released_at TEXT,
    exported_at TEXT,
    line_count BIGINT NOT NULL DEFAULT 0,
    total_pence BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL,
    UNIQUE (cadence, period_first)
);

-- Days owed or recovered for days already in a run: a backdated rate
-- change or a placement ended after its days were paid. Claimed by the
-- next run of the agreement's cadence.
CREATE TABLE payment_adjustments (
    id {{pk}},
    service_agreement_id BIGINT NOT NULL REFERENCES service_agreements (id),
    element TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    reason TEXT NOT NULL,
    run_id BIGINT REFERENCES payment_runs (id),
    created_at TEXT NOT NULL
);
CREATE INDEX payment_adjustments_unclaimed ON payment_adjustments (run_id, service_agreement_id);

CREATE TABLE payment_lines (
    id {{pk}},
    run_id BIGINT NOT NULL REFERENCES payment_runs (id),
    service_agreement_id BIGINT NOT NULL REFERENCES service_agreements (id),
    payee TEXT NOT NULL,
    cost_centre TEXT NOT NULL,
    element TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    days BIGINT NOT NULL,
    amount_pence BIGINT NOT NULL
);
CREATE INDEX payment_lines_by_run ON payment_lines (run_id, payee);
CREATE INDEX payment_lines_by_agreement ON payment_lines (service_agreement_id);

-- One row per release: the key is fixed by the run, so a second release,
-- or a retry after a crash, collides here instead of paying again.
CREATE TABLE payment_releases (
    release_key TEXT PRIMARY KEY,
    run_id BIGINT NOT NULL UNIQUE REFERENCES payment_runs (id),
    released_by BIGINT REFERENCES users (id),
    released_at TEXT NOT NULL
);

CREATE TABLE ledger_entries (
    id {{pk}},
    journal TEXT NOT NULL,
    run_id BIGINT REFERENCES payment_runs (id),
    account_kind TEXT NOT NULL,
    account_code TEXT NOT NULL,
    debit_pence BIGINT NOT NULL CHECK (debit_pence >= 0),
    credit_pence BIGINT NOT NULL CHECK (credit_pence >= 0),
    posted_on TEXT NOT NULL,
    posted_at TEXT NOT NULL
);
CREATE INDEX ledger_entries_by_journal ON ledger_entries (journal);

-- The education and health shares of a released run, owed by partners.
CREATE TABLE recharges (
    id {{pk}},
    run_id BIGINT NOT NULL REFERENCES payment_runs (id),
    service_agreement_id BIGINT NOT NULL REFERENCES service_agreements (id),
    partner TEXT NOT NULL,
    amount_pence BIGINT NOT NULL
);
CREATE INDEX recharges_by_run ON recharges (run_id);

CREATE TABLE invoices (
    id {{pk}},
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    reference TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    expected_pence BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    state TEXT NOT NULL,
    entered_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX invoices_by_provider ON invoices (provider_id, period_from);

CREATE TABLE invoice_exceptions (
    id {{pk}},
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    raised_on TEXT NOT NULL,
    outcome TEXT,
    reason TEXT,
    resolved_by BIGINT REFERENCES users (id),
    resolved_at TEXT,
    version BIGINT NOT NULL
);
CREATE INDEX invoice_exceptions_open ON invoice_exceptions (outcome, raised_on);

CREATE TABLE budgets (
    id {{pk}},
    year_start TEXT NOT NULL,
    cost_centre TEXT NOT NULL,
    holder_id BIGINT REFERENCES users (id),
    amount_pence BIGINT NOT NULL CHECK (amount_pence >= 0),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (year_start, cost_centre)
);

-- dialect: sqlite
CREATE TRIGGER service_rate_lines_no_update BEFORE UPDATE ON service_rate_lines
BEGIN SELECT RAISE(ABORT, 'service_rate_lines is append-only'); END;
CREATE TRIGGER service_rate_lines_no_delete BEFORE DELETE ON service_rate_lines
BEGIN SELECT RAISE(ABORT, 'service_rate_lines is append-only'); END;
CREATE TRIGGER payment_lines_no_update BEFORE UPDATE ON payment_lines
BEGIN SELECT RAISE(ABORT, 'payment_lines is append-only'); END;
CREATE TRIGGER payment_lines_no_delete BEFORE DELETE ON payment_lines
BEGIN SELECT RAISE(ABORT, 'payment_lines is append-only'); END;
CREATE TRIGGER payment_releases_no_update BEFORE UPDATE ON payment_releases
BEGIN SELECT RAISE(ABORT, 'payment_releases is append-only'); END;
CREATE TRIGGER payment_releases_no_delete BEFORE DELETE ON payment_releases
BEGIN SELECT RAISE(ABORT, 'payment_releases is append-only'); END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER recharges_no_update BEFORE UPDATE ON recharges
BEGIN SELECT RAISE(ABORT, 'recharges is append-only'); END;
CREATE TRIGGER recharges_no_delete BEFORE DELETE ON recharges
BEGIN SELECT RAISE(ABORT, 'recharges is append-only'); END;

-- dialect: postgres
CREATE TRIGGER service_rate_lines_append_only BEFORE UPDATE OR DELETE ON service_rate_lines
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER payment_lines_append_only BEFORE UPDATE OR DELETE ON payment_lines
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER payment_releases_append_only BEFORE UPDATE OR DELETE ON payment_releases
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
FOR EACH STATEMENT EXECUTE FUNCTION hearth_refuse_change();
CREATE TRIGGER recharges_append_only BEFORE UPDATE OR DELETE ON recharges
FOR EACH ROW EXECUTE FUNCTION hearth_refuse_change();
