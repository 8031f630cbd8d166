/** Where a Dremio cluster keeps its znodes (docs/dremio-ha.md#paths). */
export interface ZnodePaths {
  /** `/<root>/<clusterId>`, normally `/dremio`. */
  readonly base: string;
  readonly master: string;
  readonly coordinator: string;
  readonly executor: string;
  /** The Curator LeaderLatch directory of the master election. */
  readonly masterLatch: string;
}

export interface ZnodeLocation {
  /** `dremio.exec.cluster-id`, default `dremio`. */
  readonly clusterId: string;
  /** `dremio.exec.zk.root` (Curator namespace), default empty. Leading and trailing slashes are ignored. */
  readonly root?: string;
}

export function znodePaths({ clusterId, root = '' }: ZnodeLocation): ZnodePaths {
  if (
    clusterId === '' ||
    clusterId.includes('/') ||
    clusterId.includes('\0') ||
    clusterId === '.' ||
    clusterId === '..'
  ) {
    throw new Error(`invalid cluster id ${JSON.stringify(clusterId)}: expected one znode name without "/"`);
  }
  const rootSegments = root.split('/').filter((part) => part.length > 0);
  const base = `/${[...rootSegments, clusterId].join('/')}`;
  return {
    base,
    master: `${base}/master`,
    coordinator: `${base}/coordinator`,
    executor: `${base}/executor`,
    masterLatch: `${base}/leader-latch/master`,
  };
}
