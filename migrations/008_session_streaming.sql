-- schema-operator: no-transaction
-- StreamSpace change 008: the streaming protocol of a session. Existing
-- sessions get the constant default 'vnc' from the catalog (no rewrite) and
-- port 5900 by a batched backfill.

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS streaming_protocol varchar(50) DEFAULT 'vnc';
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS streaming_port integer;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS streaming_path varchar(255);

DO $$
DECLARE
  n integer;
BEGIN
  LOOP
    UPDATE sessions SET streaming_port = 5900
     WHERE id IN (SELECT id FROM sessions
                   WHERE streaming_port IS NULL AND streaming_protocol = 'vnc' LIMIT 5000);
    GET DIAGNOSTICS n = ROW_COUNT;
    COMMIT;
    EXIT WHEN n = 0;
  END LOOP;
END $$;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_streaming_protocol ON sessions (streaming_protocol);
