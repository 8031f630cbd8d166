import { errorMessage } from '../errors.ts';
import type { SecretReference } from './schema.ts';
import { ConfigError } from './validate.ts';

export interface SecretSources {
  /** The environment; `process.env` when left out. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads a Secrets Manager secret by ARN and returns its string value. Injected: this module never calls AWS. */
  readonly getSecret?: (arn: string) => Promise<string>;
}

/**
 * The value of a secret. An unset or empty environment variable is a ConfigError naming the variable;
 * no error ever contains a secret value.
 */
export async function resolveSecret(
  reference: SecretReference,
  sources: SecretSources = {},
): Promise<string> {
  if ('env' in reference) {
    const value = (sources.env ?? process.env)[reference.env];
    if (value === undefined || value === '') {
      throw new ConfigError('environment', [
        { path: reference.env, message: `the environment variable ${reference.env} is not set or empty` },
      ]);
    }
    return value;
  }
  const arn = reference.secretsManagerArn;
  if (sources.getSecret === undefined) {
    throw new Error(`cannot read the secret ${arn}: no Secrets Manager reader was given`);
  }
  let value: unknown;
  try {
    value = await sources.getSecret(arn);
  } catch (error) {
    throw new Error(`cannot read the secret ${arn}: ${errorMessage(error)}`, { cause: error });
  }
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(arn, [{ path: '(secret)', message: 'the secret has no string value' }]);
  }
  return value;
}
