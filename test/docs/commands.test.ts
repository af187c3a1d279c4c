import { expect } from 'chai';
import { placeholders, shellCommands } from '../support/docs/commands.js';

const fence = (info: string, body: string): string => '```' + info + '\n' + body + '\n```\n';

describe('the commands of a Markdown page', () => {
  const cases: Array<{ what: string; page: string; commands: string[] }> = [
    { what: 'one per line', page: fence('sh', 'a 1\nb 2'), commands: ['a 1', 'b 2'] },
    { what: 'not in other blocks', page: fence('', 'x') + fence('yaml', 'y: 1'), commands: [] },
    { what: 'without comments or blank lines', page: fence('sh', '# c\n\na'), commands: ['a'] },
    {
      what: 'joined over backslashes',
      page: fence('sh', 'a \\\n  b\nc'),
      commands: ['a \\\n  b', 'c'],
    },
    {
      what: 'with its heredoc, fence lines inside included',
      page: fence('sh', "k apply -f - <<'EOF'\nkind: Pod\n```\nEOF\nk get pod"),
      commands: ["k apply -f - <<'EOF'\nkind: Pod\n```\nEOF", 'k get pod'],
    },
  ];
  for (const c of cases)
    it(`are taken from sh blocks ${c.what}`, () => {
      expect(shellCommands(c.page)).to.deep.equal(c.commands);
    });

  it('refuse a block that is never closed', () => {
    expect(() => shellCommands('```sh\na\n')).to.throw('not closed');
  });

  it('name their placeholders but not heredoc markers', () => {
    expect(placeholders("k -n <namespace> get <name> <<'EOF'")).to.deep.equal([
      'namespace',
      'name',
    ]);
  });
});
