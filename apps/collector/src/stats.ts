/** What the collector counted since it started; logged periodically and served by /health. */
export class CollectorStats {
  requests = 0;
  /** Contract-valid events produced. */
  accepted = 0;
  /** Contract-invalid events produced for the quarantine. */
  quarantined = 0;
  /** Events refused before producing (an inexact price, an unknown currency, no user). */
  rejected = 0;
  /** Calls the contract has no event for (identify, group, other track names). */
  ignored = 0;
  readonly ignoredByReason: Record<string, number> = {};
  readonly rejectedByReason: Record<string, number> = {};
  /** Answers by HTTP status. */
  readonly responses: Record<string, number> = {};

  snapshot(): Record<string, unknown> {
    return {
      requests: this.requests,
      accepted: this.accepted,
      quarantined: this.quarantined,
      rejected: this.rejected,
      ignored: this.ignored,
      ignoredByReason: { ...this.ignoredByReason },
      rejectedByReason: { ...this.rejectedByReason },
      responses: { ...this.responses },
    };
  }
}
