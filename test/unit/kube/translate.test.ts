import { expect } from 'chai';
import {
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  KubeError,
  NotFoundError,
  ServerError,
  TooManyRequestsError,
  UnavailableError,
} from '../../../src/kube/errors.js';
import {
  errorFromStatus,
  networkCode,
  parseRetryAfter,
  translateError,
} from '../../../src/kube/translate.js';

type ErrorClass = abstract new (...args: never[]) => KubeError;

/** An error shaped like client-node's `ApiException`. */
function apiException(code: number, body: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers });
}

/** undici's `TypeError: fetch failed` with a socket error as its cause. */
function fetchFailed(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('kube error translation', () => {
  describe('errorFromStatus', () => {
    const table: Array<[number, string | undefined, ErrorClass, string]> = [
      [404, 'NotFound', NotFoundError, 'NotFound'],
      [409, 'Conflict', ConflictError, 'Conflict'],
      [409, 'AlreadyExists', ConflictError, 'AlreadyExists'],
      [410, 'Gone', GoneError, 'Gone'],
      [410, 'Expired', GoneError, 'Expired'],
      [429, 'TooManyRequests', TooManyRequestsError, 'TooManyRequests'],
      [422, 'Invalid', InvalidError, 'Invalid'],
      [400, 'BadRequest', InvalidError, 'BadRequest'],
      [401, 'Unauthorized', ForbiddenError, 'Unauthorized'],
      [403, 'Forbidden', ForbiddenError, 'Forbidden'],
      [500, 'InternalError', ServerError, 'ServerError'],
      [503, 'ServiceUnavailable', ServerError, 'ServerError'],
      [504, undefined, ServerError, 'ServerError'],
      [418, undefined, KubeError, 'Unknown'],
    ];
    for (const [code, statusReason, cls, reason] of table)
      it(`makes ${code}${statusReason ? ` ${statusReason}` : ''} a ${cls.name} with reason ${reason}`, () => {
        const err = errorFromStatus(
          code,
          { kind: 'Status', reason: statusReason, message: 'said the server' },
          {},
          'getting configmaps default/a',
        );
        expect(err).to.be.instanceOf(cls);
        expect(err.constructor).to.equal(cls);
        expect(err.reason).to.equal(reason);
        expect(err.status).to.equal(code);
        expect(err.message).to.equal('while getting configmaps default/a: said the server');
      });

    it('treats any other 409 reason as a Conflict', () =>
      expect(errorFromStatus(409, { reason: 'Whatever' }, {}, 'x').reason).to.equal('Conflict'));

    it('reads a Status body given as JSON text', () =>
      expect(
        errorFromStatus(404, '{"message":"configmaps \\"a\\" not found"}', {}, 'getting a').message,
      ).to.equal('while getting a: configmaps "a" not found'));

    it('uses a plain-text body as the message', () =>
      expect(errorFromStatus(502, 'Bad Gateway\n', {}, 'listing pods').message).to.equal(
        'while listing pods: Bad Gateway',
      ));

    it('falls back to the HTTP code when the body says nothing', () => {
      expect(errorFromStatus(500, '', {}, 'listing pods').message).to.equal(
        'while listing pods: HTTP 500',
      );
      expect(errorFromStatus(500, null, {}, 'listing pods').message).to.equal(
        'while listing pods: HTTP 500',
      );
    });

    it('keeps the field causes of a 422 and of a 400', () => {
      const causes = [{ field: 'spec.x', reason: 'FieldValueRequired', message: 'Required' }];
      for (const code of [422, 400]) {
        const err = errorFromStatus(code, { details: { causes } }, {}, 'creating a');
        expect(err).to.be.instanceOf(InvalidError);
        expect((err as InvalidError).causes).to.deep.equal(causes);
      }
      expect((errorFromStatus(422, {}, {}, 'x') as InvalidError).causes).to.deep.equal([]);
    });

    it('takes a 429 delay from the Retry-After header', () => {
      const err = errorFromStatus(429, {}, { 'retry-after': '3' }, 'x') as TooManyRequestsError;
      expect(err.retryAfterMs).to.equal(3000);
    });

    it('takes a 429 delay from the Status details when there is no header', () => {
      const body = { details: { retryAfterSeconds: 2 } };
      expect((errorFromStatus(429, body, {}, 'x') as TooManyRequestsError).retryAfterMs).to.equal(
        2000,
      );
    });

    it('keeps the cause', () => {
      const cause = new Error('raw');
      expect(errorFromStatus(500, {}, {}, 'x', cause).cause).to.equal(cause);
    });
  });

  describe('parseRetryAfter', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    it('reads delta-seconds, fractions included', () => {
      expect(parseRetryAfter('5', {}, now)).to.equal(5000);
      expect(parseRetryAfter('0.5', {}, now)).to.equal(500);
    });
    it('reads an HTTP date as the time left until it', () =>
      expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', {}, now)).to.equal(7000));
    it('never returns a negative delay', () => {
      expect(parseRetryAfter('-3', {}, now)).to.equal(0);
      expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', {}, now)).to.equal(0);
    });
    it('falls back to the Status details for a missing, blank or unreadable header', () => {
      const status = { details: { retryAfterSeconds: 4 } };
      for (const header of [undefined, ' ', 'soon'])
        expect(parseRetryAfter(header, status, now)).to.equal(4000);
    });
    it('returns undefined when nothing says how long', () =>
      expect(parseRetryAfter(undefined, {}, now)).to.equal(undefined));
  });

  describe('networkCode', () => {
    it('finds a socket code in the cause chain of fetch failed', () =>
      expect(networkCode(fetchFailed('ECONNRESET'))).to.equal('ECONNRESET'));
    it('finds it in the first of an AggregateError', () =>
      expect(
        networkCode(
          new TypeError('fetch failed', {
            cause: new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
          }),
        ),
      ).to.equal('ECONNREFUSED'));
    it('calls a TimeoutError ETIMEDOUT', () => {
      const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      expect(networkCode(timeout)).to.equal('ETIMEDOUT');
    });
    it('ignores codes that are not about the network', () =>
      expect(networkCode(Object.assign(new Error('x'), { code: 'ERR_INVALID_URL' }))).to.equal(
        undefined,
      ));
    it('stops after five links of the chain', () => {
      let e: Error = Object.assign(new Error('deep'), { code: 'EPIPE' });
      for (let i = 0; i < 5; i++) e = new Error(`level ${i}`, { cause: e });
      expect(networkCode(e)).to.equal(undefined);
    });
  });

  describe('translateError', () => {
    it('passes a typed error through unchanged', () => {
      const err = new NotFoundError('NotFound', 'while x: gone');
      expect(translateError(err, 'other')).to.equal(err);
    });

    it('maps an ApiException by its status, keeping it as the cause', () => {
      const raw = apiException(409, { reason: 'AlreadyExists', message: 'exists' });
      const err = translateError(raw, 'creating namespaces a');
      expect(err).to.be.instanceOf(ConflictError);
      expect(err.reason).to.equal('AlreadyExists');
      expect(err.message).to.equal('while creating namespaces a: exists');
      expect(err.cause).to.equal(raw);
    });

    it('reads Retry-After from an ApiException header', () => {
      const err = translateError(apiException(429, {}, { 'retry-after': '1' }), 'x');
      expect((err as TooManyRequestsError).retryAfterMs).to.equal(1000);
    });

    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'UND_ERR_SOCKET', 'EAI_AGAIN'])
      it(`makes ${code} an UnavailableError naming the server`, () => {
        const raw = fetchFailed(code);
        const err = translateError(raw, 'listing pods', 'https://10.0.0.1:6443');
        expect(err).to.be.instanceOf(UnavailableError);
        expect(err.reason).to.equal('Unavailable');
        expect(err.status).to.equal(0);
        expect(err.isTransient).to.equal(true);
        expect(err.message).to.equal(`while listing pods: ${code} (https://10.0.0.1:6443)`);
        expect(err.cause).to.equal(raw);
      });

    it('says "connection refused" for ECONNREFUSED, and no server when none is known', () =>
      expect(translateError(fetchFailed('ECONNREFUSED'), 'listing pods').message).to.equal(
        'while listing pods: connection refused',
      ));

    it("adds undici's cause to its bare fetch failed", () => {
      const raw = new TypeError('fetch failed', { cause: new Error('invalid URL') });
      const err = translateError(raw, 'reaching the API');
      expect(err.constructor).to.equal(KubeError);
      expect(err.reason).to.equal('Unknown');
      expect(err.message).to.equal('while reaching the API: fetch failed: invalid URL');
      expect(err.isTransient).to.equal(false);
    });

    it('does not repeat a cause the message already holds', () =>
      expect(
        translateError(new Error('bad: invalid URL', { cause: new Error('invalid URL') }), 'x')
          .message,
      ).to.equal('while x: bad: invalid URL'));

    it('turns a thrown non-error into an Unknown KubeError', () =>
      expect(translateError('boom', 'x').message).to.equal('while x: boom'));
  });
});
