import { awsRuntime } from '../runtime.ts';
import { monitorHandler } from './handler.ts';

/** The monitor Lambda: built once per container from its environment (the construct sets it). */
export const handler = monitorHandler(awsRuntime());
