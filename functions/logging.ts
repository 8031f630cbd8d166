import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './contract.ts';

/** Keys whose values are secrets wherever they appear in a log entry. */
const SECRET_KEYS = /^(?:webhookurl|token|authorization|password|secret|secretstring)$/i;
/** Secrets that may hide inside a message: Slack webhook URLs and tokens. */
const SECRET_TEXT = [/https:\/\/hooks\.slack\.com\/[^\s"')]+/gi, /\bxox[abposr]-[A-Za-z0-9-]+/g];

/** Replaces secrets in a value about to be logged. Exported for tests. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (SECRET_KEYS.test(key) && value !== null && value !== undefined && value !== '') return '[redacted]';
  if (typeof value !== 'string') return value;
  return SECRET_TEXT.reduce((text, pattern) => text.replace(pattern, '[redacted]'), value);
}

/** JSON logs with the service name; secrets redacted by key and by shape. */
export function createLogger(
  options: { readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' } = {},
): Logger {
  return new Logger({
    serviceName: SERVICE_NAME,
    jsonReplacerFn: redactSecrets,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
}
