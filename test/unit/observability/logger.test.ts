import { expect } from 'chai';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, resolveLevel } from '../../../src/observability/logger.js';
import { REDACTED, redact, redactString } from '../../../src/observability/redact.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, transport: new winston.transports.Stream({ stream }) };
}

describe('logger and redaction', () => {
  const strings: Array<[string, string]> = [
    ['postgres://app:s3cret@db:5432/x', `postgres://app:${REDACTED}@db:5432/x`],
    [
      'postgresql://u:p%40ss@h/db?sslmode=require',
      `postgresql://u:${REDACTED}@h/db?sslmode=require`,
    ],
    ['connect to postgres://u@h/db', 'connect to postgres://u@h/db'],
    ['host=h user=u password=hunter2 dbname=d', `host=h user=u password=${REDACTED} dbname=d`],
    ['no secrets here', 'no secrets here'],
  ];
  for (const [input, want] of strings)
    it(`masks the password in ${JSON.stringify(input)}`, () =>
      expect(redactString(input)).to.equal(want));

  it('replaces values under secret-looking keys at any depth', () => {
    const out = redact({
      a: { password: 'x', apiToken: 't', nested: [{ client_secret: 's' }] },
      name: 'ok',
    });
    expect(out).to.deep.equal({
      a: { password: REDACTED, apiToken: REDACTED, nested: [{ client_secret: REDACTED }] },
      name: 'ok',
    });
  });

  it('writes JSON lines with the child’s fields and no secrets', () => {
    const { lines, transport } = capture();
    const log = createLogger({ level: 'debug', transport }).child({
      controller: 'schemamigration',
      key: 'ns/app',
    });
    log.info('connecting to postgres://app:pw@db/x', {
      databaseUrl: 'postgres://app:pw@db/x',
      token: 'abc',
    });
    expect(lines).to.have.length(1);
    const line = lines[0]!;
    expect(line).to.include({
      level: 'info',
      controller: 'schemamigration',
      key: 'ns/app',
      token: REDACTED,
    });
    expect(JSON.stringify(line)).to.not.contain(':pw@');
    expect(line.timestamp).to.be.a('string');
  });

  it('logs errors with their message, redacted', () => {
    const { lines, transport } = capture();
    createLogger({ transport }).error('failed', {
      error: new Error('cannot reach postgres://a:b@c/d'),
    });
    expect(JSON.stringify(lines[0])).to.contain(`postgres://a:${REDACTED}@c/d`);
  });

  it('takes the level from the flag, then LOG_LEVEL, then info', () => {
    expect(resolveLevel('debug', { LOG_LEVEL: 'warn' })).to.equal('debug');
    expect(resolveLevel(undefined, { LOG_LEVEL: 'WARN' })).to.equal('warn');
    expect(resolveLevel(undefined, {})).to.equal('info');
    expect(() => resolveLevel('loud', {})).to.throw(RangeError);
  });
});
