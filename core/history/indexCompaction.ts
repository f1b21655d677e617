/**
 * Keeps the full-text index in few segments. FTS5 writes each transaction's new terms as a new
 * segment and merges them only a little at insert time (automerge), so a large archive built in
 * batches ends up with a dozen segments (13 at 1M messages in the benchmark); every search term
 * then opens an iterator in each of them. Merging them costs nothing per message and cuts the pages
 * a cold search reads by ~45 % (docs/history.md). The merge is FTS5's own incremental 'merge'
 * command, run in small steps so the app can interleave it with everything else.
 *
 * `usermerge` 2 makes an explicit merge combine any level holding two or more segments (the
 * default 4 leaves up to three per level); it does not change merging at insert time (automerge).
 * Only positive merges are used: they never rewrite the largest segment once it stands alone,
 * so keeping the index compact costs about as much as the new data, not the whole archive.
 */
import type { Conn } from './conn';

/** segments above which the app compacts the index when it is idle */
export const COMPACT_ABOVE_SEGMENTS = 4;

export class IndexCompaction {
  private usermergeSet = false;

  constructor(private readonly c: Conn) {}

  /** how many segments the index has: a skip-scan of the segment ids in %_idx (one seek each) */
  segments(): number {
    const st = this.c.st('SELECT min(segid) AS s FROM messages_fts_idx WHERE segid > ?');
    let n = 0;
    let id = -1;
    for (;;) {
      const r = st.get(id) as { s: number | null } | undefined;
      if (!r || r.s === null) return n;
      n++;
      id = r.s;
    }
  }

  /**
   * One step of at most ~`pages` leaf pages written (one transaction). Returns false when there
   * was nothing left to merge (FTS5 tells that by changing fewer than two rows).
   */
  step(pages: number): boolean {
    this.c.writable();
    const n = Math.max(1, Math.floor(pages));
    return this.c.guard(() => {
      if (!this.usermergeSet) {
        // stored in the index's config table: set once per archive, checked once per connection
        const cur = this.c.st("SELECT v FROM messages_fts_config WHERE k = 'usermerge'").get() as { v: number } | undefined;
        if (cur?.v !== 2) this.c.st("INSERT INTO messages_fts(messages_fts, rank) VALUES ('usermerge', 2)").run();
        this.usermergeSet = true;
      }
      const changes = () => (this.c.st('SELECT total_changes() AS c').get() as { c: number }).c;
      const before = changes();
      this.c.st("INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', ?)").run(n);
      return changes() - before >= 2;
    });
  }
}
