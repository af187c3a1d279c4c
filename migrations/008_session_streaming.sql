-- schema-operator: no-transaction
-- StreamSpace change 008: the streaming protocol of a session. Existing
-- sessions get the constant default 'vnc' from the catalog (no rewrite) and
-- port 5900 by a backfill in batches of 5000 along the primary key.

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS streaming_protocol varchar(50) DEFAULT 'vnc';
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS streaming_port integer;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS streaming_path varchar(255);

DO $$
DECLARE
  last_id varchar(255) := '';
  next_id varchar(255);
BEGIN
  LOOP
    SELECT max(id) INTO next_id FROM (SELECT id FROM sessions WHERE id > last_id ORDER BY id LIMIT 5000) b;
    EXIT WHEN next_id IS NULL;
    UPDATE sessions SET streaming_port = 5900
     WHERE id > last_id AND id <= next_id AND streaming_port IS NULL AND streaming_protocol = 'vnc';
    COMMIT;
    last_id := next_id;
  END LOOP;
END $$;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_streaming_protocol ON sessions (streaming_protocol);
