-- schema-operator: no-transaction
-- The StreamSpace API's core tables, and sessions.tags (StreamSpace change 001).
-- Re-runnable from any earlier state: databases made by the API's old start-up
-- list already have these tables, usually without a ledger (adopt them with
-- adoptExisting). Indexes are built CONCURRENTLY so that adopting a database
-- with a large sessions table never blocks its writers; that needs this file
-- to run without a transaction, one re-runnable statement at a time.

CREATE TABLE IF NOT EXISTS users (
  id            varchar(255) PRIMARY KEY,
  username      varchar(255) UNIQUE NOT NULL,
  email         varchar(255) UNIQUE NOT NULL,
  full_name     varchar(255),
  role          varchar(50) DEFAULT 'user',
  provider      varchar(50) DEFAULT 'local',
  active        boolean DEFAULT true,
  password_hash varchar(255),
  created_at    timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at    timestamp DEFAULT CURRENT_TIMESTAMP,
  last_login    timestamp
);

CREATE TABLE IF NOT EXISTS groups (
  id           varchar(255) PRIMARY KEY,
  name         varchar(255) UNIQUE NOT NULL,
  display_name varchar(255),
  description  text,
  type         varchar(50) DEFAULT 'team',
  parent_id    varchar(255) REFERENCES groups (id) ON DELETE CASCADE,
  created_at   timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at   timestamp DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS sessions (
  id                 varchar(255) PRIMARY KEY,
  user_id            varchar(255) REFERENCES users (id) ON DELETE CASCADE,
  team_id            varchar(255) REFERENCES groups (id) ON DELETE SET NULL,
  template_name      varchar(255),
  state              varchar(50),
  app_type           varchar(50) DEFAULT 'desktop',
  active_connections integer DEFAULT 0,
  url                text,
  namespace          varchar(255) DEFAULT 'streamspace',
  created_at         timestamp DEFAULT CURRENT_TIMESTAMP,
  last_connection    timestamp,
  last_disconnect    timestamp,
  updated_at         timestamp DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS audit_log (
  id            serial PRIMARY KEY,
  user_id       varchar(255),
  action        varchar(100),
  resource_type varchar(100),
  resource_id   varchar(255),
  changes       jsonb,
  timestamp     timestamp DEFAULT CURRENT_TIMESTAMP,
  ip_address    varchar(45)
);

CREATE TABLE IF NOT EXISTS api_keys (
  id           serial PRIMARY KEY,
  key_hash     varchar(255) UNIQUE NOT NULL,
  key_prefix   varchar(20) NOT NULL,
  name         varchar(255) NOT NULL,
  description  text,
  user_id      varchar(255) REFERENCES users (id) ON DELETE CASCADE,
  scopes       text[],
  rate_limit   integer DEFAULT 1000,
  expires_at   timestamp,
  last_used_at timestamp,
  use_count    integer DEFAULT 0,
  is_active    boolean DEFAULT true,
  created_at   timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at   timestamp DEFAULT CURRENT_TIMESTAMP,
  created_by   varchar(255) REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE IF NOT EXISTS webhooks (
  id           serial PRIMARY KEY,
  name         varchar(255) NOT NULL,
  description  text,
  url          text NOT NULL,
  secret       varchar(255),
  events       jsonb NOT NULL,
  headers      jsonb,
  enabled      boolean DEFAULT true,
  retry_policy jsonb,
  filters      jsonb,
  metadata     jsonb,
  created_by   varchar(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at   timestamp DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS agents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id       varchar(255) UNIQUE NOT NULL,
  platform       varchar(50) NOT NULL,
  region         varchar(100),
  status         varchar(50) DEFAULT 'offline',
  capacity       jsonb,
  last_heartbeat timestamp,
  websocket_id   varchar(255),
  metadata       jsonb,
  created_at     timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at     timestamp DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS agent_commands (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  command_id      varchar(255) UNIQUE NOT NULL,
  agent_id        varchar(255) REFERENCES agents (agent_id) ON DELETE CASCADE,
  session_id      varchar(255),
  action          varchar(50) NOT NULL,
  payload         jsonb,
  status          varchar(50) DEFAULT 'pending',
  error_message   text,
  created_at      timestamp DEFAULT CURRENT_TIMESTAMP,
  sent_at         timestamp,
  acknowledged_at timestamp,
  completed_at    timestamp
);

INSERT INTO users (id, username, email, role)
VALUES ('admin', 'admin', 'admin@streamspace.local', 'admin')
ON CONFLICT DO NOTHING;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_user_id ON sessions (user_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_team_id ON sessions (team_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_state ON sessions (state);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_audit_log_timestamp ON audit_log (timestamp DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_audit_log_user_id ON audit_log (user_id);

-- StreamSpace change 001: session tags.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS tags text[];
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_tags ON sessions USING gin (tags);
