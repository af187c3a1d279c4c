-- schema-operator: no-transaction
-- StreamSpace change 006: organizations, and org_id on every tenant-owned
-- table. This is the change whose file the API's start-up list never ran.
--
-- Each org_id gets one foreign key named <table>_org_id_fkey, whatever an
-- older database called it; keys are added NOT VALID and validated after the
-- backfill. Existing users and sessions get the default organization in
-- batches of 5000 rows, each batch its own transaction, so a large table is
-- never locked for the whole update. Every statement here is re-runnable.

CREATE TABLE IF NOT EXISTS organizations (
  id            varchar(255) PRIMARY KEY,
  name          varchar(255) UNIQUE NOT NULL,
  display_name  varchar(255) NOT NULL,
  description   text,
  k8s_namespace varchar(255) NOT NULL DEFAULT 'streamspace',
  status        varchar(50) DEFAULT 'active',
  created_at    timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at    timestamp DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_organizations_name ON organizations (name);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_organizations_status ON organizations (status);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_organizations_k8s_namespace ON organizations (k8s_namespace);

INSERT INTO organizations (id, name, display_name, k8s_namespace, status)
VALUES ('default-org', 'default', 'Default Organization', 'streamspace', 'active')
ON CONFLICT (id) DO NOTHING;

ALTER TABLE users ADD COLUMN IF NOT EXISTS org_id varchar(255);
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS org_id varchar(255);
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS org_id varchar(255);
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS org_id varchar(255);
ALTER TABLE webhooks ADD COLUMN IF NOT EXISTS org_id varchar(255);
ALTER TABLE agents ADD COLUMN IF NOT EXISTS org_id varchar(255);

-- One foreign key per org_id column, under its canonical name.
DO $$
DECLARE
  t record;
  fk record;
  kept boolean;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES ('users', 'SET NULL'), ('sessions', 'CASCADE'), ('audit_log', 'CASCADE'),
                          ('api_keys', 'CASCADE'), ('webhooks', 'CASCADE'), ('agents', 'CASCADE'))
             AS v (tbl, on_delete)
  LOOP
    kept := false;
    FOR fk IN
      SELECT c.conname, regexp_replace(pg_get_constraintdef(c.oid), ' NOT VALID$', '') AS def
        FROM pg_constraint c
       WHERE c.conrelid = t.tbl::regclass AND c.contype = 'f'
         AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                WHERE attrelid = t.tbl::regclass AND attname = 'org_id')]
       ORDER BY c.conname <> t.tbl || '_org_id_fkey', c.conname
    LOOP
      IF NOT kept AND fk.def = 'FOREIGN KEY (org_id) REFERENCES organizations(id) ON DELETE ' || t.on_delete THEN
        kept := true;
        IF fk.conname <> t.tbl || '_org_id_fkey' THEN
          EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t.tbl, fk.conname, t.tbl || '_org_id_fkey');
        END IF;
      ELSE
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t.tbl, fk.conname);
      END IF;
    END LOOP;
    IF NOT kept THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (org_id) REFERENCES organizations (id) '
                     'ON DELETE %s NOT VALID', t.tbl, t.tbl || '_org_id_fkey', t.on_delete);
    END IF;
  END LOOP;
END $$;

-- Backfill in bounded transactions: this DO block commits after every batch,
-- which it can because no-transaction files run DO blocks on their own.
-- Batches walk the primary key, so each one reads only its own rows.
DO $$
DECLARE
  t text;
  last_id varchar(255);
  next_id varchar(255);
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'sessions'] LOOP
    last_id := '';
    LOOP
      EXECUTE format('SELECT max(id) FROM (SELECT id FROM %I WHERE id > $1 ORDER BY id LIMIT 5000) b', t)
        INTO next_id USING last_id;
      EXIT WHEN next_id IS NULL;
      EXECUTE format('UPDATE %I SET org_id = $3 WHERE id > $1 AND id <= $2 AND org_id IS NULL', t)
        USING last_id, next_id, 'default-org';
      COMMIT;
      last_id := next_id;
    END LOOP;
  END LOOP;
END $$;

ALTER TABLE users VALIDATE CONSTRAINT users_org_id_fkey;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_org_id_fkey;
ALTER TABLE audit_log VALIDATE CONSTRAINT audit_log_org_id_fkey;
ALTER TABLE api_keys VALIDATE CONSTRAINT api_keys_org_id_fkey;
ALTER TABLE webhooks VALIDATE CONSTRAINT webhooks_org_id_fkey;
ALTER TABLE agents VALIDATE CONSTRAINT agents_org_id_fkey;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_org_id ON users (org_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_org_id ON sessions (org_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_audit_log_org_id ON audit_log (org_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_api_keys_org_id ON api_keys (org_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_webhooks_org_id ON webhooks (org_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_agents_org_id ON agents (org_id);
