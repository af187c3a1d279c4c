-- A user's role inside their organization. The StreamSpace API reads
-- users.org_role, but no StreamSpace migration ever created it: databases
-- without it fail the same way as without org_id.

ALTER TABLE users ADD COLUMN IF NOT EXISTS org_role varchar(50) DEFAULT 'member';
