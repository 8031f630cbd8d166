import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { LATCH_PREFIX, orderLatchParticipants } from '../../../shared/dremio/latch.ts';
import type { ZooKeeperSession } from '../../../shared/zookeeper/session.ts';

export type LatchStanding = 'leader' | 'follower';

/**
 * A Curator-compatible LeaderLatch participant (Curator 5, as in Dremio 25): a protected
 * EPHEMERAL_SEQUENTIAL child `_c_<uuid>-latch-<seq>` whose data is the participant id; the lowest
 * sequence leads; every other participant watches its predecessor only.
 */
export class LeaderLatchParticipant {
  /** The participant id (Dremio uses a random UUID): the data of the latch znode. */
  readonly participantId = randomUUID();
  #znode: string | undefined;
  #session: ZooKeeperSession | undefined;

  constructor(
    private readonly latchPath: string,
    private readonly onStanding: (standing: LatchStanding) => void,
  ) {}

  get znode(): string | undefined {
    return this.#znode;
  }

  /** Creates this participant's latch znode in `session` (again after a session expiry) and checks. */
  async join(session: ZooKeeperSession): Promise<string> {
    this.#session = session;
    await session.ensurePath(this.latchPath);
    // Curator's protection prefix uses its own random UUID, distinct from the participant id.
    const created = await session.create(
      `${this.latchPath}/_c_${randomUUID()}-${LATCH_PREFIX}`,
      Buffer.from(this.participantId, 'utf8'),
      zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
    );
    this.#znode = created.slice(created.lastIndexOf('/') + 1);
    await this.check();
    return this.#znode;
  }

  /** Re-reads the participants: leader if ours is lowest, otherwise watch the predecessor. */
  async check(): Promise<void> {
    const session = this.#session;
    if (!session || !this.#znode) return;
    const listing = await session.children(this.latchPath);
    const ordered = orderLatchParticipants(listing?.children ?? []);
    const index = ordered.findIndex((participant) => participant.znode === this.#znode);
    if (index < 0) {
      // Our znode is gone while the session lives (someone deleted it): Curator resets and re-joins.
      await this.join(session);
      return;
    }
    if (index === 0) {
      this.onStanding('leader');
      return;
    }
    this.onStanding('follower');
    const predecessor = `${this.latchPath}/${(ordered[index - 1] as { znode: string }).znode}`;
    const stat = await session.exists(predecessor, (event) => {
      if (event.getType() === zookeeper.Event.NODE_DELETED) void this.check().catch(() => undefined);
    });
    if (stat === null) await this.check();
  }

  /** Deletes this participant's znode (clean shutdown). */
  async leave(): Promise<void> {
    const session = this.#session;
    const znode = this.#znode;
    this.#znode = undefined;
    if (session && znode) await session.remove(`${this.latchPath}/${znode}`);
  }
}
