// The daemon's own log ($BULWARK_HOME/bulwark.log), rotated by size. Never given secrets: configs are
// not logged, only app names, states and reasons.
import winston from 'winston';
import { escapeText } from '../common/escape.js';

export type DaemonLogger = winston.Logger;

export function createDaemonLogger(file: string, foreground: boolean): DaemonLogger {
  const transports: winston.transport[] = [
    new winston.transports.File({ filename: file, maxsize: 10 * 1024 * 1024, maxFiles: 3, tailable: true }),
  ];
  // The console is a terminal or the journal: reasons can quote apps and attackers, so escape them.
  const escaped = winston.format((info) => { info.message = escapeText(String(info.message)); return info; });
  if (foreground) transports.push(new winston.transports.Console({ format: winston.format.combine(escaped(), winston.format.simple()) }));
  return winston.createLogger({
    level: process.env.BULWARK_LOG_LEVEL ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports,
  });
}
