/** Counters for the periodic log line; take() returns the window and starts a new one. */
export class IngestStats {
  records = 0;
  valid = 0;
  quarantined = 0;
  redelivered = 0;
  flushes = 0;
  flushBytes = 0;
  flushRecords = 0;
  flushRetries = 0;
  commits = 0;
  readonly quarantineByReason = new Map<string, number>();
  readonly lagByPartition = new Map<string, number>();
  private windowStart: number;
  private windowRecords = 0;
  totalRecords = 0;
  totalQuarantined = 0;

  constructor(private readonly now: () => number) {
    this.windowStart = now();
  }

  countRecord(zone: 'raw' | 'quarantine', reason?: string): void {
    this.records++;
    this.windowRecords++;
    this.totalRecords++;
    if (zone === 'raw') {
      this.valid++;
    } else {
      this.quarantined++;
      this.totalQuarantined++;
      if (reason)
        this.quarantineByReason.set(reason, (this.quarantineByReason.get(reason) ?? 0) + 1);
    }
  }

  get lag(): number {
    let lag = 0;
    for (const value of this.lagByPartition.values()) lag += value;
    return lag;
  }

  /** The window's figures, then a new window. */
  take(): Record<string, unknown> {
    const now = this.now();
    const seconds = Math.max((now - this.windowStart) / 1000, 0.001);
    const out = {
      recordsPerSecond: Math.round(this.windowRecords / seconds),
      records: this.records,
      valid: this.valid,
      quarantined: this.quarantined,
      quarantineByReason: Object.fromEntries(this.quarantineByReason),
      redelivered: this.redelivered,
      flushes: this.flushes,
      avgFlushBytes: this.flushes === 0 ? 0 : Math.round(this.flushBytes / this.flushes),
      avgFlushRecords: this.flushes === 0 ? 0 : Math.round(this.flushRecords / this.flushes),
      flushRetries: this.flushRetries,
      commits: this.commits,
      lag: this.lag,
    };
    this.windowStart = now;
    this.windowRecords = 0;
    this.records = this.valid = this.quarantined = this.redelivered = 0;
    this.flushes = this.flushBytes = this.flushRecords = this.flushRetries = this.commits = 0;
    this.quarantineByReason.clear();
    return out;
  }
}
