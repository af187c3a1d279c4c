-- StreamSpace change 007: why and when a session ended.

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS termination_reason varchar(255);
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS terminated_at timestamp;
