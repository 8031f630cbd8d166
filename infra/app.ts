import { readFile } from 'node:fs/promises';
import { App, Validations } from 'aws-cdk-lib';
import { ConfigError, findConfigFile, loadConfig } from '../shared/config/index.ts';
import { parseConfigDocument } from '../shared/config/load.ts';
import { DeployConfigError, deployableAws } from './deploy-config.ts';

/**
 * The CDK app (cdk.json): reads the configuration the CLI reads (`-c config=FILE`, else
 * $DREMIO_HA_MONITOR_CONFIG, else ./dremio-ha-monitor.yaml or .json) and deploys the monitor it describes.
 */
async function main(): Promise<void> {
  const app = new App();
  const location = await findConfigFile(contextString(app, 'config'));
  const config = await loadConfig(location.path);
  // Stored as compact JSON: the functions carry no YAML parser, and comments do not count against SSM's size limit.
  const configText = JSON.stringify(
    parseConfigDocument(await readFile(location.path, 'utf8'), location.path),
  );
  const routeTableIds = contextString(app, 'routeTableIds')
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  deployableAws(config, location.path, routeTableIds ?? config.aws?.vpc?.routeTableIds ?? []);
  // Loaded once the configuration is known to be deployable: the constructs take seconds to load.
  const { buildMonitorStack } = await import('./monitor-stack.ts');
  const { AwsSolutionsChecks } = await import('cdk-nag');
  buildMonitorStack(app, {
    config,
    configText,
    source: location.path,
    ...(routeTableIds === undefined ? {} : { routeTableIds }),
    ...defaults(process.env),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function defaults(env: NodeJS.ProcessEnv): { defaultAccount?: string; defaultRegion?: string } {
  const account = env.CDK_DEFAULT_ACCOUNT;
  const region = env.CDK_DEFAULT_REGION;
  return {
    ...(account === undefined ? {} : { defaultAccount: account }),
    ...(region === undefined ? {} : { defaultRegion: region }),
  };
}

try {
  await main();
} catch (error) {
  // Expected failures are one line (a ConfigError one per issue) without a stack trace.
  if (error instanceof DeployConfigError || error instanceof ConfigError) {
    console.error(`dremio-ha-monitor: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
