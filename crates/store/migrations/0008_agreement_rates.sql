-- The framework rate a placement agreement was bought at, kept with the
-- agreement so later changes to the rate card do not rewrite it.
ALTER TABLE placement_agreements ADD COLUMN framework_rate_pence BIGINT;
