-- schema-operator: no-transaction
-- StreamSpace change 003: the cluster an agent serves.

ALTER TABLE agents ADD COLUMN IF NOT EXISTS cluster_id varchar(255);
ALTER TABLE agents ADD COLUMN IF NOT EXISTS cluster_name varchar(255);

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_agents_cluster_id ON agents (cluster_id);
