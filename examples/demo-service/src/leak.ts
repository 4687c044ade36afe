/**
 * The demo's memory leak, switched on with the `leak` fault: an "audit trail" that keeps a record
 * of every answered /api request and never evicts one. Each request adds a few thousand small
 * objects (about 100 KB), all allocated here, so a heap profile names `remember` as the site that
 * grows while the fault is on.
 */
export interface AuditRecord {
  seq: number;
  at: number;
  route: string;
  status: number;
}

export class RequestAuditTrail {
  private readonly batches: AuditRecord[][] = [];
  private seq = 0;

  /** Keeps a detailed record of one answered request, forever. */
  remember(route: string, status: number): void {
    const batch: AuditRecord[] = new Array<AuditRecord>(2000);
    const at = Date.now();
    for (let i = 0; i < batch.length; i++) batch[i] = { seq: this.seq++, at: at + i, route, status };
    this.batches.push(batch);
  }

  /** Records kept so far. */
  get size(): number {
    return this.batches.length * 2000;
  }
}
