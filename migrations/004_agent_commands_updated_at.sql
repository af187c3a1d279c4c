-- StreamSpace change 004: agent_commands.updated_at, kept current by a trigger.
-- A constant default is stored in the catalog, so adding the column rewrites
-- nothing; CREATE OR REPLACE makes the function and trigger re-runnable.

ALTER TABLE agent_commands ADD COLUMN IF NOT EXISTS updated_at timestamp DEFAULT CURRENT_TIMESTAMP;

CREATE OR REPLACE FUNCTION update_agent_commands_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = CURRENT_TIMESTAMP;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER agent_commands_updated_at
  BEFORE UPDATE ON agent_commands
  FOR EACH ROW EXECUTE FUNCTION update_agent_commands_updated_at();
