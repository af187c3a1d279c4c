-- StreamSpace change 005: per-agent API keys.

ALTER TABLE agents ADD COLUMN IF NOT EXISTS api_key_hash varchar(255);
ALTER TABLE agents ADD COLUMN IF NOT EXISTS api_key_created_at timestamp;
ALTER TABLE agents ADD COLUMN IF NOT EXISTS api_key_last_used_at timestamp;
