import { expect } from 'chai';
import { Command } from 'commander';
import { COMMAND_NAMES, modulesFor, registerCommands } from '../../../src/cli/commands.js';

/** The names of the commands registered on a fresh program for `args`. */
async function registered(args: string[]): Promise<string[]> {
  const program = new Command('schema-operator');
  await registerCommands(program, args);
  return program.commands.map((c) => c.name());
}

describe('loading only the command that runs', () => {
  const every = [
    'migrate',
    'plan',
    'status',
    'repair',
    'wait',
    'lint',
    'drift',
    'run',
    'dev',
    'new',
    'completion',
  ];

  it('knows every command, in help order', () => expect(COMMAND_NAMES).to.deep.equal(every));

  const cases: Array<[string, string[], string[]]> = [
    ['migrate loads only its own module', ['migrate', '--dir', 'x'], ['migrate', 'plan']],
    ['plan shares the module of migrate', ['plan', '--dir', 'x'], ['migrate', 'plan']],
    ['wait loads only wait', ['wait', '--version', '001'], ['wait']],
    ['repair loads only repair', ['repair', '--version', '001'], ['repair']],
    ['new loads only new', ['new', 'add_users'], ['new']],
    ['completion loads every command, to list them', ['completion', 'bash'], every],
    ['a command with --help loads only that command', ['status', '--help'], ['status']],
    ['the version needs no command', ['--version'], []],
    ['-V needs no command', ['-V'], []],
    ['--help loads every command', ['--help'], every],
    ['help NAME loads every command', ['help', 'wait'], every],
    ['no arguments load every command', [], every],
    ['an unknown command loads every command, for the suggestion', ['migrat'], every],
    ['an option before the command loads every command', ['-h', 'migrate'], every],
  ];
  for (const [what, args, names] of cases) {
    it(what, async () => {
      expect(modulesFor(args).flatMap((m) => m.names)).to.deep.equal(names);
      expect(await registered(args)).to.deep.equal(names);
    });
  }

  it('registers, for each module, exactly the names the table gives it', async () => {
    for (const m of modulesFor([])) {
      const program = new Command('schema-operator');
      (await m.load())(program);
      expect(program.commands.map((c) => c.name())).to.deep.equal([...m.names]);
    }
  });
});
