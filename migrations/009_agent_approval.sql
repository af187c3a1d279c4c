-- schema-operator: no-transaction
-- StreamSpace change 009: agents are approved before they get work. Existing
-- agents keep working: the constant default marks them approved.

ALTER TABLE agents ADD COLUMN IF NOT EXISTS approval_status varchar(20) DEFAULT 'approved';
ALTER TABLE agents ADD COLUMN IF NOT EXISTS approved_at timestamp;
ALTER TABLE agents ADD COLUMN IF NOT EXISTS approved_by varchar(255);

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_agents_approval_status ON agents (approval_status);
