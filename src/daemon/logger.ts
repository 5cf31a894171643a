// The daemon's own log ($BULWARK_HOME/bulwark.log), rotated by size. Never given secrets: configs are
// not logged, only app names, states and reasons.
import { fstatSync, statSync } from 'node:fs';
import winston from 'winston';
import { escapeText } from '../common/escape.js';

export type DaemonLogger = winston.Logger;

export function createDaemonLogger(file: string, foreground: boolean): DaemonLogger {
  const transports: winston.transport[] = [
    new winston.transports.File({ filename: file, maxsize: 10 * 1024 * 1024, maxFiles: 3, tailable: true }),
  ];
  // The console is a terminal or the journal: reasons can quote apps and attackers, so escape them.
  const escaped = winston.format((info) => { info.message = escapeText(String(info.message)); return info; });
  if (foreground && !discarded(1)) transports.push(new winston.transports.Console({ format: winston.format.combine(escaped(), winston.format.simple()) }));
  const logger = winston.createLogger({
    level: process.env.BULWARK_LOG_LEVEL ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports,
  });
  // A line that comes after the log was closed (a late event while shutting down) is dropped, not
  // an 'error' without a listener that takes the daemon down.
  logger.on('error', () => {});
  return logger;
}

/**
 * Whether fd goes to /dev/null: `start` launches the daemon in the foreground with its stdio there,
 * where a console transport would format and write every line (thousands for a thousand apps) for nothing.
 */
function discarded(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && st.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/**
 * Closes the log once every line has reached its transports: stopping a thousand apps logs
 * thousands of lines in a burst, and ending the log while the file transport still pushed back
 * left the console transport ended under lines still flowing to it.
 */
export async function closeDaemonLog(log: DaemonLogger): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((log.readableLength > 0 || log.writableLength > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise<void>((resolve) => { log.on('finish', resolve); log.end(); });
}
