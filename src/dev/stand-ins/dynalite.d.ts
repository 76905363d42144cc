/** Types for `dynalite` (an implementation of DynamoDB's API, in memory), which ships none. */
declare module 'dynalite' {
  import type * as http from 'node:http';

  interface DynaliteOptions {
    /** How long a new table stays CREATING. @default 500 @unit ms */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** DynamoDB's item size limit. @default 400 @unit KB */
    maxItemSizeKb?: number;
    /** A LevelDB folder; in memory when absent. */
    path?: string;
  }

  function dynalite(options?: DynaliteOptions): http.Server;
  export = dynalite;
}
