// Placeholder until the remediate handler lands (issue 7): the CDK construct bundles this entry.
export async function handler(_event: unknown): Promise<void> {}
