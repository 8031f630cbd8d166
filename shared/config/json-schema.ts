import * as z from 'zod';
import { monitorConfigSchema } from './schema.ts';

/**
 * The JSON Schema (draft 2020-12) of the configuration file as written, for editors: defaults are
 * optional there. Checks that JSON Schema cannot say (unique names and addresses, port ranges in the
 * connect string, "." and ".." znode names) are only made by the monitor itself.
 */
export function monitorConfigJsonSchema(): object {
  return z.toJSONSchema(monitorConfigSchema, { io: 'input', target: 'draft-2020-12' });
}
