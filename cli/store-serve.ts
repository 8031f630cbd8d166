import { startLocalStore } from '../shared/record/index.ts';
import { integerFlag, parse, runCommand, UsageError } from './context.ts';
import { EXIT } from './exit-codes.ts';

/**
 * `store serve`: runs the embedded store (dynalite on LevelDB in `--data-dir`) for other processes,
 * which reach it with `--store-endpoint`. LevelDB allows one process per directory.
 */
export function storeCommand(argv: readonly string[]): Promise<number> {
  return runCommand('store', 'serve [--data-dir DIR] [--port N] [--table NAME]', async () => {
    const { values, positionals } = parse(argv, {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      table: { type: 'string' },
    });
    if (positionals[0] !== 'serve') throw new UsageError('expected "serve"');
    const local = await startLocalStore({
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values.table ? { tableName: values.table } : {}),
      ...(values.port === undefined
        ? {}
        : { port: integerFlag(values, 'port', { fallback: 0, min: 0, max: 65_535 }) }),
    });
    console.log(JSON.stringify({ endpoint: local.endpoint, dataDir: local.dataDir }));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await local.close();
    return EXIT.healthy;
  });
}
