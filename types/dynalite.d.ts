/** The part of dynalite 4.0.0 (a DynamoDB implementation on LevelDB, no types of its own) this project uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when left out. One process per directory. */
    readonly path?: string;
    /** Time tables stay CREATING (default 500). */
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    /** Largest item (default 400). */
    readonly maxItemSizeKb?: number;
    readonly ssl?: boolean;
    readonly verbose?: boolean;
    readonly debug?: boolean;
  }

  /** An http.Server whose close() also closes the database; call listen() to serve. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
