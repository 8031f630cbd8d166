/** Exit codes of every command: 0 healthy, 1 degraded, 2 critical, 3 usage or configuration error. */
export const EXIT = { healthy: 0, degraded: 1, critical: 2, usage: 3 } as const;
