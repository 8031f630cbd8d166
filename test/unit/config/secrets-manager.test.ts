import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { resolveSecret } from '../../../shared/config/index.ts';
import { secretsManagerReader } from '../../../shared/config/secrets-manager.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dremio-slack-bot';

describe('secretsManagerReader: the CLI reads {secretsManagerArn} references', () => {
  it("asks the secret's region for it by ARN, one client per region", async () => {
    const regions: string[] = [];
    const client = new SecretsManagerClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-secret' },
    });
    const mock = mockClient(client);
    mock.on(GetSecretValueCommand).resolves({ SecretString: 'xoxb-value' });
    const read = secretsManagerReader((region) => {
      regions.push(region);
      return client;
    });
    assert.equal(await resolveSecret({ secretsManagerArn: ARN }, { getSecret: read }), 'xoxb-value');
    assert.equal(await read(ARN), 'xoxb-value');
    assert.deepEqual(regions, ['eu-west-1']);
    assert.deepEqual(
      mock.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input),
      [{ SecretId: ARN }, { SecretId: ARN }],
    );
  });

  it('a binary secret or an AWS error is an error naming the ARN, never the value', async () => {
    const client = new SecretsManagerClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-secret' },
    });
    const mock = mockClient(client);
    mock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretBinary: new Uint8Array([1]) })
      .rejectsOnce(new Error('AccessDeniedException'));
    const read = secretsManagerReader(() => client);
    await assert.rejects(resolveSecret({ secretsManagerArn: ARN }, { getSecret: read }), (error: Error) => {
      assert.match(
        error.message,
        /cannot read the secret arn:aws:secretsmanager:.*: the secret has no string value/,
      );
      return true;
    });
    await assert.rejects(
      resolveSecret({ secretsManagerArn: ARN }, { getSecret: read }),
      /AccessDeniedException/,
    );
  });
});
