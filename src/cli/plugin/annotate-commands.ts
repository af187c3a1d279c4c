/**
 * `kubectl schema retry` and `kubectl schema approve`: each writes one
 * annotation with a merge patch on metadata.annotations (the `patch` verb,
 * nothing else), which the SchemaMigration controller acts on.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import {
  APPROVE_ANNOTATION,
  RETRY_ANNOTATION,
  SCHEMA_MIGRATION,
  type SchemaMigration,
} from '../../api/index.js';
import { UsageError } from '../exit-codes.js';
import { planLines } from './approve-plan.js';
import { clusterFlags } from './flags.js';
import { openSession, type ClusterFlags, type PluginSession } from './session.js';
import { migrationName } from './target.js';

/** The SchemaMigration has no plan waiting for approval. */
export class NoWaitingPlanError extends Error {}

/** The person at the terminal said no. */
export class NotApprovedError extends Error {}

/** Registers `retry`. */
export function registerRetry(program: Command): void {
  clusterFlags(program.command('retry'))
    .description('ask for one more attempt of a stalled SchemaMigration (the retry annotation)')
    .argument('<smig/NAME>', 'the SchemaMigration')
    .action(async (target: string, flags: ClusterFlags) => {
      const name = migrationName(target);
      const session = openSession(flags);
      // Any new value is a new request; the time also tells a reader when it was asked.
      const value = new Date().toISOString();
      await annotate(session, name, { [RETRY_ANNOTATION]: value });
      console.log(`smig/${name} annotated ${RETRY_ANNOTATION}=${value}`);
    });
}

/** Registers `approve`. */
export function registerApprove(program: Command): void {
  clusterFlags(program.command('approve'))
    .description(
      'show the plan waiting for approval, ask, then approve it (the approve annotation)',
    )
    .argument('<smig/NAME>', 'the SchemaMigration')
    .option('--yes', 'approve without asking (for scripts)')
    .action(async (target: string, flags: ClusterFlags & { yes?: boolean }) => {
      const name = migrationName(target);
      const session = openSession(flags);
      const namespace = session.namespace;
      const obj = await session.as(
        { verb: 'get', resource: SCHEMA_MIGRATION.plural, namespace },
        () => session.migrations.get({ name, namespace }),
      );
      const plan = obj.status?.plan;
      if (!plan) throw new NoWaitingPlanError(noPlanMessage(obj));
      for (const line of planLines(obj, plan)) console.log(line);
      if (!flags.yes) await confirm(`approve plan ${plan.hash}? [y/N] `);
      await annotate(session, name, { [APPROVE_ANNOTATION]: plan.hash });
      console.log(`smig/${name} annotated ${APPROVE_ANNOTATION}=${plan.hash}`);
    });
}

function noPlanMessage(obj: SchemaMigration): string {
  const phase = obj.status?.phase ?? 'no status yet';
  return `smig/${obj.metadata.name ?? ''} has no plan waiting for approval (phase ${phase})`;
}

/** Asks on the terminal; without one, refuses rather than approve unseen. */
async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new UsageError('not a terminal: nothing to ask; pass --yes to approve without asking');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes')
      throw new NotApprovedError('not approved; nothing changed');
  } finally {
    rl.close();
  }
}

async function annotate(
  session: PluginSession,
  name: string,
  annotations: Record<string, string>,
): Promise<void> {
  const namespace = session.namespace;
  await session.as({ verb: 'patch', resource: SCHEMA_MIGRATION.plural, namespace }, () =>
    session.migrations.mergePatch({ name, namespace }, { metadata: { annotations } }),
  );
}
