/**
 * The statements of the Organization controller's SQL (sql.ts runs them):
 * the batched upsert, the catalog query for referencing tables, and the
 * operator's record of the rows it wrote. Text only; every value is a bound
 * parameter where they run.
 */
import { DEFAULT_ORG_ID } from './deps.js';

/** The operator's record of the rows it wrote (no foreign key: it must not count as a reference). */
export const ROWS_TABLE = 'schema_operator_organizations';

/** The organization no Organization may write (migration 006 creates it). */
export const DEFAULT_ORG = DEFAULT_ORG_ID;

/** Creates the record of rows (idempotent). */
export const CREATE_ROWS_TABLE = `
CREATE TABLE IF NOT EXISTS ${ROWS_TABLE} (
  id         varchar(255) PRIMARY KEY,
  uid        text         NOT NULL,
  created    boolean      NOT NULL,
  updated_at timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;

/**
 * The upsert of a batch. `refused` finds rows that exist and are not the
 * org's (no record and no adoption, or recorded for another UID while not
 * marked deleted), and `default-org`; `taken` finds new rows whose name
 * another id owns. Both are left out and reported. The update's WHERE makes
 * an unchanged row a no-op (no new tuple, updated_at kept). `recorded`
 * notes the rows written for their UID: created when the row was new.
 */
export const UPSERT = `
WITH input AS (
  SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::text[], $5::varchar[],
                       $6::varchar[], $7::text[], $8::boolean[])
    AS t(id, name, display_name, description, k8s_namespace, status, uid, adopt)
), refused AS (
  SELECT i.id FROM input i
    LEFT JOIN organizations o ON o.id = i.id
    LEFT JOIN ${ROWS_TABLE} r ON r.id = i.id
   WHERE i.id = '${DEFAULT_ORG}'
      OR (o.id IS NOT NULL AND r.uid IS DISTINCT FROM i.uid
          AND NOT (r.id IS NOT NULL AND o.status = 'deleted')
          AND NOT (r.id IS NULL AND i.adopt))
), taken AS (
  SELECT i.id, min(o.id) AS owner
    FROM input i JOIN organizations o ON o.name = i.name AND o.id <> i.id
   WHERE NOT EXISTS (SELECT 1 FROM organizations x WHERE x.id = i.id)
   GROUP BY i.id
), ok AS (
  SELECT i.*, NOT EXISTS (SELECT 1 FROM organizations x WHERE x.id = i.id) AS fresh
    FROM input i
   WHERE NOT EXISTS (SELECT 1 FROM taken t WHERE t.id = i.id)
     AND NOT EXISTS (SELECT 1 FROM refused f WHERE f.id = i.id)
), recorded AS (
  INSERT INTO ${ROWS_TABLE} AS r (id, uid, created)
  SELECT id, uid, fresh FROM ok
  ON CONFLICT (id) DO UPDATE
     SET uid = EXCLUDED.uid, updated_at = CURRENT_TIMESTAMP,
         created = CASE WHEN r.uid = EXCLUDED.uid THEN r.created OR EXCLUDED.created
                        ELSE EXCLUDED.created END
   WHERE r.uid IS DISTINCT FROM EXCLUDED.uid OR (EXCLUDED.created AND NOT r.created)
), written AS (
  INSERT INTO organizations AS o (id, name, display_name, description, k8s_namespace, status, updated_at)
  SELECT k.id, k.name, k.display_name, k.description, k.k8s_namespace, k.status, CURRENT_TIMESTAMP
    FROM ok k
  ON CONFLICT (id) DO UPDATE
     SET display_name = EXCLUDED.display_name,
         description = EXCLUDED.description, k8s_namespace = EXCLUDED.k8s_namespace,
         status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
   WHERE (o.display_name, o.description, o.k8s_namespace, o.status)
         IS DISTINCT FROM
         (EXCLUDED.display_name, EXCLUDED.description, EXCLUDED.k8s_namespace, EXCLUDED.status)
  RETURNING o.id
)
SELECT i.id, t.owner, (w.id IS NOT NULL) AS written,
       EXISTS (SELECT 1 FROM refused f WHERE f.id = i.id) AS refused
  FROM input i LEFT JOIN taken t ON t.id = i.id LEFT JOIN written w ON w.id = i.id`;

/** Tables with a foreign key to organizations(id), and the referencing column. */
export const REFERENCING = `
SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
  FROM pg_constraint c
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
 WHERE c.contype = 'f' AND c.confrelid = 'organizations'::regclass AND cardinality(c.conkey) = 1
 ORDER BY 1`;
