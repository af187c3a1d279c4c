/**
 * ALTER COLUMN TYPE cases PostgreSQL decides both ways: the column's old type,
 * the new type clause, and whether the table is rewritten. The unit tests
 * check the rule's verdict against `rewrites`; the integration test checks
 * `rewrites` against a real server (pg_class.relfilenode changes on a rewrite).
 */
export interface TypeChangeCase {
  from: string;
  to: string;
  rewrites: boolean;
}

/** The cases, by old type and new type clause. */
export const TYPE_CHANGES: TypeChangeCase[] = [
  { from: 'varchar(10)', to: 'varchar(20)', rewrites: false },
  { from: 'varchar(20)', to: 'varchar(10)', rewrites: true },
  { from: 'varchar(10)', to: 'varchar', rewrites: false },
  { from: 'varchar(10)', to: 'text', rewrites: false },
  { from: 'character varying(10)', to: 'character varying(255)', rewrites: false },
  { from: 'varchar', to: 'varchar(10)', rewrites: true },
  { from: 'text', to: 'varchar', rewrites: false },
  { from: 'text', to: 'varchar(10)', rewrites: true },
  { from: 'text', to: 'text', rewrites: false },
  { from: 'integer', to: 'int4', rewrites: false },
  { from: 'integer', to: 'bigint', rewrites: true },
  { from: 'bigint', to: 'integer', rewrites: true },
  { from: 'integer', to: 'text', rewrites: true },
  { from: 'numeric(10,2)', to: 'numeric(12,2)', rewrites: false },
  { from: 'numeric(10,2)', to: 'numeric(12,3)', rewrites: true },
  { from: 'numeric(10,2)', to: 'numeric(8,2)', rewrites: true },
  { from: 'numeric(10,2)', to: 'numeric', rewrites: false },
  { from: 'numeric', to: 'numeric(10,2)', rewrites: true },
  { from: 'char(5)', to: 'char(10)', rewrites: true },
  { from: 'char(5)', to: 'text', rewrites: true },
  { from: 'timestamp(3)', to: 'timestamp(6)', rewrites: false },
  { from: 'timestamp', to: 'timestamp(3)', rewrites: true },
  { from: 'timestamp', to: 'timestamptz', rewrites: true },
  { from: 'json', to: 'jsonb', rewrites: true },
  { from: 'cidr', to: 'inet', rewrites: false },
  { from: 'text[]', to: 'text[]', rewrites: false },
  { from: 'varchar(10)', to: 'varchar(20) USING c', rewrites: false },
  { from: 'varchar(10)', to: 'varchar(20) USING c::varchar(20)', rewrites: false },
  { from: 'text', to: "text USING c || ''", rewrites: true },
  { from: 'text', to: 'text COLLATE "C"', rewrites: false },
];
