/** Structured JSON logs (pino) with secrets redacted wherever they could appear. */
import { pino, type Logger } from 'pino';

/** Paths pino blanks out: auth headers, signatures, tokens. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-tierflow-signature"]',
  'req.headers["x-slack-signature"]',
  'req.headers["x-gitlab-token"]',
  'headers.authorization',
  '*.token',
  '*.botToken',
  '*.signingSecret',
  '*.webhookSecret',
  '*.apiToken',
  '*.intakeSecret',
];

export function createLogger(level: string, name = 'tierflow'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
