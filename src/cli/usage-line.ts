// A missing required argument is answered with the command's one usage line, not yargs' wording.
const MISSING = /^(Not enough non-option arguments|Missing required argument)/;

export function usageLine(message: string, command: string | undefined): string | undefined {
  if (command === undefined || !MISSING.test(message)) return undefined;
  const name = command.split(' ')[0]!;
  return `usage: bulwark ${command}   (see bulwark ${name} --help)`;
}
