/**
 * The shell commands of a Markdown page: every fenced block whose info
 * string is `sh`, split into commands. A command is one line, or several
 * when a line ends with a backslash or opens a heredoc (`<<'EOF'` up to the
 * line `EOF`). Blank lines and lines starting with `#` are not commands.
 */

/** The commands of the ```sh blocks of `markdown`, in page order. */
export function shellCommands(markdown: string): string[] {
  const commands: string[] = [];
  let inBlock = false;
  let current: string[] = [];
  let heredoc: string | undefined;
  for (const line of markdown.split('\n')) {
    if (!inBlock) {
      inBlock = /^```sh\s*$/.test(line);
      continue;
    }
    if (heredoc === undefined && /^```\s*$/.test(line)) {
      if (current.length) throw new Error(`unfinished command: ${current.join('\n')}`);
      inBlock = false;
      continue;
    }
    if (heredoc !== undefined) {
      current.push(line);
      if (line === heredoc) {
        heredoc = undefined;
        commands.push(current.join('\n'));
        current = [];
      }
      continue;
    }
    if (!current.length && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    current.push(line);
    const opens = /<<-?'?(\w+)'?/.exec(line);
    if (opens) heredoc = opens[1];
    else if (!line.endsWith('\\')) {
      commands.push(current.join('\n'));
      current = [];
    }
  }
  if (inBlock) throw new Error('a ```sh block is not closed');
  return commands;
}

/** The `<placeholder>` names used in `command` (not heredoc markers). */
export function placeholders(command: string): string[] {
  return [...command.matchAll(/<([a-z][a-z-]*)>/g)].map((m) => m[1]!);
}
