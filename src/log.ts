import pino, { type Logger } from 'pino';

/**
 * JSON logs on stdout. Every record that marks something happening has a
 * stable `event` name (see README, "Log events"); passwords are redacted.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino(
    {
      level,
      base: { service: 'helpdesk' },
      redact: { paths: ['*.password', '*.pass', '*.*.password', 'password', 'pass'], censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
