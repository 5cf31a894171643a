// PM2 commands that bulwark names differently: `bulwark ls` answers with `bulwark status` rather
// than yargs' nearest spelling ("Did you mean logs?"). docs/pm2.md's Commands table lists them all.

/** PM2's command -> what to type in bulwark. */
export const PM2_COMMANDS: Readonly<Record<string, string>> = {
  ls: 'bulwark status',
  list: 'bulwark status',
  l: 'bulwark status',
  jlist: 'bulwark status --json',
  prettylist: 'bulwark status --json',
  pid: 'bulwark status <name> --json',
  show: 'bulwark describe <name>',
  info: 'bulwark describe <name>',
  desc: 'bulwark describe <name>',
  env: 'bulwark describe <name>',
  dump: 'bulwark save',
  cleardump: 'bulwark save --clear',
  unstartup: 'bulwark startup systemd --uninstall',
  update: 'bulwark save && bulwark kill && bulwark resurrect',
};

/** The line to print for a PM2 command bulwark does not have, else undefined. */
export function pm2CommandHint(word: string | undefined): string | undefined {
  const instead = word === undefined || !Object.hasOwn(PM2_COMMANDS, word) ? undefined : PM2_COMMANDS[word];
  return instead && `bulwark: \`${word}\` is PM2's command; in bulwark it is \`${instead}\` (docs/pm2.md lists the others)`;
}
