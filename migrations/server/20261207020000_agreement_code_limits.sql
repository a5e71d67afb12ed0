-- An emailed User Agreement code works for 14 days after it was sent and for at most 10 wrong
-- tries on its request; resending the agreement issues a new code and starts both again.
ALTER TABLE access_requests ADD COLUMN agreement_code_issued_at timestamptz;
ALTER TABLE access_requests ADD COLUMN agreement_failures integer NOT NULL DEFAULT 0;
UPDATE access_requests SET agreement_code_issued_at = submitted_at
WHERE agreement_code_hash IS NOT NULL;
