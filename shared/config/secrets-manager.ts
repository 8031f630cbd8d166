import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A Secrets Manager reader for `resolveSecret` outside Lambda (the CLI): one client per region (the
 * region is read from the ARN), credentials from the SDK's default chain. The Lambda functions use
 * Powertools Parameters instead, which caches.
 */
export function secretsManagerReader(
  clientFor: (region: string) => SecretsManagerClient = (region) => new SecretsManagerClient({ region }),
): (arn: string) => Promise<string> {
  const clients = new Map<string, SecretsManagerClient>();
  return async (arn) => {
    const region = arn.split(':')[3] ?? '';
    let client = clients.get(region);
    if (!client) {
      client = clientFor(region);
      clients.set(region, client);
    }
    const answer = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (typeof answer.SecretString !== 'string') throw new Error('the secret has no string value');
    return answer.SecretString;
  };
}
