/**
 * A stand-in for `psql URL -c SQL` on machines without psql, for the
 * documentation tests only: runs the one statement and prints the rows as
 * `a | b` lines under a header. Real psql is used whenever it is installed.
 */
import pg from 'pg';

const args = process.argv.slice(2);
const url = args.find((a) => !a.startsWith('-'));
const sql = args[args.indexOf('-c') + 1];
if (!url || !sql || !args.includes('-c')) {
  process.stderr.write('usage: psql URL -c SQL\n');
  process.exit(2);
}
const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
  const r = await client.query(sql);
  const cols = r.fields.map((f) => f.name);
  const lines = [
    cols.join(' | '),
    ...r.rows.map((row: Record<string, unknown>) => cols.map((c) => String(row[c])).join(' | ')),
  ];
  process.stdout.write(lines.join('\n') + '\n');
} catch (err) {
  process.stderr.write(`ERROR:  ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await client.end();
}
