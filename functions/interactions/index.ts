import { awsRuntime } from '../runtime.ts';
import { interactionsHandler } from './handler.ts';

/** The interactions Lambda (Slack's Acknowledge clicks), built once per container from its environment. */
export const handler = interactionsHandler(awsRuntime());
