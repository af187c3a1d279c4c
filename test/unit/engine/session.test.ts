import { expect } from 'chai';
import { asRunner, resetSession } from '../../../src/engine/session.js';

/** A client that records its queries and fails the ones matching `fail`. */
function recorder(fail?: RegExp) {
  const sent: string[] = [];
  const client = {
    query: async (text: string) => {
      sent.push(text);
      if (fail?.test(text)) throw new Error(`failed: ${text}`);
      return { rows: [] };
    },
  };
  return { sent, client: client as unknown as Parameters<typeof asRunner>[0] };
}

describe('asRunner', () => {
  it("begins, drops the file's role for this transaction only, writes and commits", async () => {
    const { sent, client } = recorder();
    await asRunner(client, false, async () => void (await client.query('INSERT x')));
    expect(sent).to.deep.equal([
      'BEGIN',
      'SET LOCAL SESSION AUTHORIZATION DEFAULT; SET LOCAL ROLE NONE',
      'INSERT x',
      'COMMIT',
    ]);
  });

  it('joins an open transaction (the statement and its progress row commit together)', async () => {
    const { sent, client } = recorder();
    await asRunner(client, true, async () => void (await client.query('INSERT x')));
    expect(sent[0]).to.equal('SET LOCAL SESSION AUTHORIZATION DEFAULT; SET LOCAL ROLE NONE');
    expect(sent.at(-1)).to.equal('COMMIT');
  });

  it('rolls back and rethrows when the write fails', async () => {
    const { sent, client } = recorder(/^INSERT/);
    let thrown: unknown;
    await asRunner(client, false, async () => void (await client.query('INSERT x'))).catch(
      (e: unknown) => (thrown = e),
    );
    expect(String(thrown)).to.include('failed: INSERT x');
    expect(sent.at(-1)).to.equal('ROLLBACK');
    expect(sent).not.to.include('COMMIT');
  });
});

describe('resetSession', () => {
  it("resets the user, the role and every setting, then sets the connection's own again", async () => {
    const { sent, client } = recorder();
    await resetSession(client);
    expect(sent).to.have.length(1);
    expect(sent[0]).to.match(
      /^SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL; SET idle_in_transaction_session_timeout/,
    );
  });
});
