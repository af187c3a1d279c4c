-- schema-operator: no-transaction
-- StreamSpace change 002: which agent and platform run a session.
-- Older databases may already have sessions.agent_id with its foreign key
-- under another name (or twice): keep exactly one, named
-- sessions_agent_id_fkey. The key is added NOT VALID and validated in a
-- second step, so existing rows are checked without blocking writers.

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS agent_id varchar(255);
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS platform varchar(50);
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS platform_metadata jsonb;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS cluster_id varchar(255);

DO $$
DECLARE
  fk record;
  kept boolean := false;
BEGIN
  FOR fk IN
    SELECT c.conname, regexp_replace(pg_get_constraintdef(c.oid), ' NOT VALID$', '') AS def
      FROM pg_constraint c
     WHERE c.conrelid = 'sessions'::regclass AND c.contype = 'f'
       AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
                              WHERE attrelid = 'sessions'::regclass AND attname = 'agent_id')]
     ORDER BY c.conname <> 'sessions_agent_id_fkey', c.conname
  LOOP
    IF NOT kept AND fk.def = 'FOREIGN KEY (agent_id) REFERENCES agents(agent_id)' THEN
      kept := true;
      IF fk.conname <> 'sessions_agent_id_fkey' THEN
        EXECUTE format('ALTER TABLE sessions RENAME CONSTRAINT %I TO sessions_agent_id_fkey', fk.conname);
      END IF;
    ELSE
      EXECUTE format('ALTER TABLE sessions DROP CONSTRAINT %I', fk.conname);
    END IF;
  END LOOP;
  IF NOT kept THEN
    ALTER TABLE sessions ADD CONSTRAINT sessions_agent_id_fkey
      FOREIGN KEY (agent_id) REFERENCES agents (agent_id) NOT VALID;
  END IF;
END $$;

ALTER TABLE sessions VALIDATE CONSTRAINT sessions_agent_id_fkey;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_agent_id ON sessions (agent_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_platform ON sessions (platform);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_cluster_id ON sessions (cluster_id);
