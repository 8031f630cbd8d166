import { keepYoungGenerationSmall } from '../../shared/monitor/young-generation.ts';
import { awsRuntime } from '../runtime.ts';
import { monitorHandler } from './handler.ts';

// A watch-mode container probes every second in 128 MB: a young generation left to grow would hold
// a quarter of it.
keepYoungGenerationSmall();

/** The monitor Lambda: built once per container from its environment (the construct sets it). */
export const handler = monitorHandler(awsRuntime());
