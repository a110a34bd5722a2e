-- When requests were submitted and decided, and the cost the panel agreed,
-- for the Gateway dashboard.

ALTER TABLE placement_requests ADD COLUMN submitted_on TEXT;
ALTER TABLE placement_requests ADD COLUMN decided_on TEXT;
ALTER TABLE placement_requests ADD COLUMN agreed_weekly_cost_pence BIGINT;
