import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { parseEventLine } from '@shoplens/schemas';
import type { Database } from '@shoplens/storage';
import { MinuteWindows, ZoneCalendar, arrivalTime, minuteOf } from '@shoplens/transforms';
import type { PartitionState } from './partition-state.js';
import type { PartitionOffsets } from './partition-offsets.js';
import { partitionState } from './partition-state.js';
import { PendingChanges } from './pending-changes.js';
import { ReplayPoints } from './replay-points.js';
import { StreamStats } from './stream-stats.js';
import { watermark } from './watermark.js';
import type { CounterDeltas, PartWrite } from './window-store.js';
import { PartsTakenError, partitionKey, takeOverPart, writeFlush } from './window-store.js';
import { undecodableBatchOf } from '@shoplens/runtime';
import type { PendingBatch } from './pending-changes.js';
import { commonPartitionCount } from './part-assigner.js';
import type { SourceBatch, SourceCommit, SourcePartition, StreamSource } from './stream-source.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

export interface StreamerOptions {
  /** Where the records come from: Kafka in the app, an in-process log in the demo. */
  readonly source: StreamSource;
  readonly db: Kysely<Database>;
  /** The checkpoint key in the database (the consumer group's id with Kafka). */
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly reportTz: string;
  readonly latenessMs: number;
  readonly graceMs: number;
  readonly flushIntervalMs: number;
  readonly idlePartitionMs: number;
  /** A partition without a checkpoint starts at the earliest offset (else the latest). */
  readonly fromBeginning: boolean;
  readonly statsIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** `refused`: it cannot share the group exactly (see docs/streaming.md). */
export type StreamerOutcome = 'stopped' | 'crashed' | 'unclean' | 'refused';

/**
 * What a member holds of one part (partition n of every topic, or every partition when
 * the topics' partition counts differ): windows, pending writes and checkpoints of its
 * own, so that a part comes and goes with a rebalance without touching the others.
 */
interface Part {
  readonly part: number;
  readonly epoch: number;
  readonly windows: MinuteWindows;
  readonly pending: PendingChanges;
  readonly replayPoints: ReplayPoints;
  readonly partitions: Map<string, PartitionState>;
  writtenSealedBefore: number;
}

interface AssignedPartition extends SourcePartition {
  readonly key: string;
}

const MAX_BACKOFF_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One member of the streamer group. Records update event-time minute windows in memory,
 * per part; every flush writes the changed minutes of the parts it holds, the sums over
 * all parts, the day roll-ups, the offsets and the counters in one transaction, then
 * commits to the source the offset a restart must re-read from.
 */
export class Streamer {
  private readonly source: StreamSource;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly calendar: ZoneCalendar;
  /** Who this member is in rt_part_state.owner. */
  private readonly owner: string;
  private readonly parts = new Map<number, Part>();
  /** The parts the source assigned, with their partitions: taken when the database allows. */
  private assigned = new Map<number, AssignedPartition[]>();
  /** Whether partition n of every topic is one part (all topics have one partition count). */
  private coPartitioned: boolean | undefined;
  private brokerOffsets = new Map<string, PartitionOffsets>();
  private readonly stats = new StreamStats();
  private flushFailingSinceMs: number | undefined;
  /** Between the source's rebalance notice and the new assignment: nothing is sealed meanwhile. */
  private rebalancing = false;
  private lock: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStatsAtMs: number;
  private finish!: (outcome: StreamerOutcome) => void;
  readonly done: Promise<StreamerOutcome>;

  constructor(private readonly options: StreamerOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ component: 'streamer' });
    this.calendar = new ZoneCalendar(options.reportTz);
    this.owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.lastStatsAtMs = this.now();
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.source = options.source;
  }

  async start(): Promise<void> {
    await this.source.start({
      // Nothing is fetched until the group has settled: idle partitions are not idle.
      rebalancing: () => (this.rebalancing = true),
      assigned: (assignment) => void this.locked(() => this.onAssignment(assignment)),
      batch: (batch) => this.locked(() => this.onBatch(batch)),
      crashed: () => void this.stop('crashed'),
    });
    this.timer = setInterval(
      () => void this.locked(() => this.tick()),
      this.options.flushIntervalMs,
    );
    this.log.info(
      {
        ...this.source.description,
        topics: this.options.topics,
        groupId: this.options.groupId,
        owner: this.owner,
        reportTz: this.calendar.timeZone,
        latenessMs: this.options.latenessMs,
      },
      'streamer started',
    );
  }

  /** Stops consuming, writes what is held, commits, disconnects. */
  async stop(outcome: StreamerOutcome = 'stopped'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.timer);
    this.log.info({ reason: outcome }, 'stopping: writing the open windows');
    this.source.pause();
    const deadline = this.now() + this.options.shutdownTimeoutMs;
    let clean = false;
    await this.locked(async () => {
      for (let attempt = 1; this.now() < deadline; attempt++) {
        // Parts still replaying counted nothing since they were taken: their checkpoint stands.
        if (await this.flush(true)) {
          clean = true;
          return;
        }
        await sleep(Math.min(200 * attempt, MAX_BACKOFF_MS));
      }
    });
    await this.source.stop().catch((err: unknown) => this.log.warn({ err }, 'disconnect failed'));
    this.logStats(true);
    this.finish(clean || outcome === 'refused' ? outcome : 'unclean');
  }

  private locked<T>(body: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(body);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private partOf(partition: number): number {
    return this.coPartitioned ? partition : 0;
  }

  private async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    if (this.stopping) return;
    const assigned = Object.entries(assignment).flatMap(([topic, ps]) =>
      ps.map((partition) => ({ topic, partition, key: partitionKey(topic, partition) })),
    );
    this.brokerOffsets = await this.readBrokerOffsets();
    const coPartitioned = this.partitionCountsAgree();
    if (coPartitioned !== this.coPartitioned && this.parts.size > 0) {
      this.log.warn({ coPartitioned }, 'partition counts changed: every part is taken again');
      for (const part of [...this.parts.values()]) await this.release(part);
    }
    this.coPartitioned = coPartitioned;
    if (!coPartitioned && assigned.length === 0) {
      this.log.error(
        { topics: this.options.topics, groupId: this.options.groupId },
        'refusing to start: the topics do not all have the same number of partitions, so a ' +
          "user's records are not in one partition number and the realtime figures cannot be " +
          'split exactly between members; another member of this group holds every partition. ' +
          'Give the topics one partition count to run several streamers (docs/streaming.md).',
      );
      void this.stop('refused');
      return;
    }
    const next = new Map<number, AssignedPartition[]>();
    for (const a of assigned) {
      const n = this.partOf(a.partition);
      const list = next.get(n) ?? [];
      list.push(a);
      next.set(n, list);
    }
    for (const part of [...this.parts.values()]) {
      const want = next.get(part.part);
      const same =
        want !== undefined &&
        want.length === part.partitions.size &&
        want.every((a) => part.partitions.has(a.key));
      if (!same) await this.release(part);
    }
    this.assigned = next;
    this.rebalancing = false;
    const nowMs = this.now();
    for (const part of this.parts.values()) {
      for (const p of part.partitions.values()) {
        // Nothing was fetched while the group rebalanced: a partition that looked idle
        // may have records waiting, and must not be taken for idle before it is asked.
        p.lastRecordAtMs = nowMs;
        const o = this.brokerOffsets.get(p.key);
        p.lag = o === undefined || p.nextOffset < 0 ? -1 : Math.max(0, o.high - p.nextOffset);
      }
    }
    if (assigned.length > 0) this.source.resume(assigned);
    await this.takeAssigned();
    this.log.info(
      {
        assignment,
        parts: [...next.keys()].sort((a, b) => a - b),
        coPartitioned,
        replaying: [...this.parts.values()].some((p) => this.replaying(p)),
      },
      assigned.length > 0 ? 'partitions assigned' : 'no partitions assigned: standing by',
    );
  }

  private async readBrokerOffsets(): Promise<Map<string, PartitionOffsets>> {
    for (let attempt = 1; ; attempt++) {
      const offsets = await this.source.partitionOffsets();
      if (offsets.size > 0 || attempt >= 5) return offsets;
      await sleep(500 * attempt);
    }
  }

  /** Whether every subscribed topic has the same partition count (keeps the last answer if unknown). */
  private partitionCountsAgree(): boolean {
    const counts = new Map<string, number>();
    for (const key of this.brokerOffsets.keys()) {
      const topic = key.slice(0, key.lastIndexOf('/'));
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
    }
    if (counts.size < this.options.topics.length) return this.coPartitioned ?? true;
    return commonPartitionCount([...counts.values()]) !== undefined;
  }

  /** Takes the assigned parts not held yet; one the database cannot give now is retried on the next tick. */
  private async takeAssigned(): Promise<void> {
    for (const [n, list] of this.assigned) {
      if (this.parts.has(n) || this.stopping) continue;
      try {
        await this.takeOver(n, list);
      } catch (err) {
        this.flushFailingSinceMs ??= this.now();
        this.log.warn({ err, part: n }, 'could not take the part; will retry');
        return;
      }
    }
  }

  private async takeOver(n: number, list: readonly AssignedPartition[]): Promise<void> {
    const keys = new Set(list.map((a) => a.key));
    const checkpoint = await takeOverPart(
      this.options.db,
      this.options.groupId,
      n,
      this.owner,
      keys,
    );
    const windows = new MinuteWindows({ latenessMs: this.options.latenessMs });
    if (checkpoint.sealedBeforeMs !== undefined)
      windows.resumeSealedBefore(checkpoint.sealedBeforeMs);
    const nowMs = this.now();
    const partitions = new Map<string, PartitionState>();
    for (const { topic, partition, key } of list) {
      // Records the broker has deleted (retention) cannot be re-read: replay what is left.
      partitions.set(
        key,
        partitionState(
          topic,
          partition,
          key,
          checkpoint.partitions.get(key),
          this.brokerOffsets.get(key),
          this.options.fromBeginning,
          nowMs,
        ),
      );
    }
    const part: Part = {
      part: n,
      epoch: checkpoint.epoch,
      windows,
      pending: new PendingChanges(this.calendar),
      replayPoints: new ReplayPoints(),
      partitions,
      writtenSealedBefore: windows.sealedBefore,
    };
    this.parts.set(n, part);
    this.log.info(
      { part: n, epoch: checkpoint.epoch, partitions: [...keys] },
      'part taken: resuming from its checkpoint',
    );
  }

  /** Writes what a part holds if it can, then forgets it. */
  private async release(part: Part): Promise<void> {
    if (this.parts.get(part.part) !== part) return;
    await this.flush(false, [part]);
    this.parts.delete(part.part);
    this.log.info({ part: part.part }, 'part released');
  }

  /** Another member took these parts: drop them, and stop fetching them until the next assignment. */
  private dropTaken(parts: readonly number[]): void {
    const paused: AssignedPartition[] = [];
    for (const n of parts) {
      const part = this.parts.get(n);
      if (part === undefined) continue;
      this.parts.delete(n);
      this.assigned.delete(n);
      for (const p of part.partitions.values())
        paused.push({ topic: p.topic, partition: p.partition, key: p.key });
    }
    if (paused.length > 0) this.source.pause(paused);
    this.log.warn({ parts }, 'parts taken by another member: dropped what was held of them');
  }

  private replaying(part: Part): boolean {
    for (const p of part.partitions.values()) if (p.nextOffset < p.countFrom) return true;
    return false;
  }

  private async onBatch(batch: SourceBatch): Promise<void> {
    const { topic, partition, heartbeat } = batch;
    const part = this.parts.get(this.partOf(partition));
    const p = part?.partitions.get(partitionKey(topic, partition));
    if (part === undefined || p === undefined || this.stopping) return;
    const nowMs = this.now();
    const w = part.windows;
    for (const message of batch.records) {
      if (!batch.isActive()) break;
      const { offset } = message;
      // Resolving moves the fetch position only; what counts as done is in the database.
      batch.resolveOffset(offset);
      if (offset < p.nextOffset) continue;
      const arrivalMs = arrivalTime(message.timestampMs, nowMs);
      const replay = offset < p.countFrom;
      const parsed = parseEventLine(message.value ?? new Uint8Array(0), {
        arrivalTimeMs: arrivalMs,
      });
      const undecodable = undecodableBatchOf(message.headers);
      if (undecodable !== undefined && message.value !== null && !replay) {
        // The first record of a batch that could not be decompressed carries its bytes.
        this.log.error(
          { topic, partition, offset, ...undecodable },
          'a record batch cannot be decompressed; its records are counted as invalid',
        );
      }
      if (!parsed.ok) {
        if (!replay) {
          this.count(part, 'invalid');
          this.log.debug(
            { topic, partition, offset, reason: parsed.reason },
            'invalid record skipped',
          );
        }
      } else {
        const { event, eventTimeMs } = parsed;
        const minuteMs = minuteOf(eventTimeMs);
        if (replay) {
          if (minuteMs >= w.sealedBefore) w.add(event, eventTimeMs, arrivalMs);
          else w.restoreSealed(event, eventTimeMs);
          if (minuteMs >= w.retainedFrom) part.replayPoints.track(minuteMs, p.key, offset);
        } else {
          const outcome = w.add(event, eventTimeMs, arrivalMs);
          if (outcome === 'counted') {
            this.count(part, 'counted');
            part.replayPoints.track(minuteMs, p.key, offset);
            part.pending.seeUser(this.calendar.dayOf(eventTimeMs), event.user_id);
            this.stats.counted(eventTimeMs);
          } else if (outcome === 'duplicate') {
            this.count(part, 'duplicates');
          } else {
            this.count(part, 'tooLate');
          }
        }
      }
      p.nextOffset = offset + 1;
      if (arrivalMs > p.maxArrivalMs) p.maxArrivalMs = arrivalMs;
      p.lastRecordAtMs = nowMs;
    }
    // From where reading stopped: a batch cut short by a rebalance leaves records behind.
    p.lag = Math.max(0, batch.highWatermark - p.nextOffset);
    await heartbeat();
    // The database is away: hold consumption rather than the whole stream in memory.
    while (
      this.flushFailingSinceMs !== undefined &&
      this.now() - this.flushFailingSinceMs > 5_000 &&
      !this.stopping
    ) {
      if (await this.flush(false)) break;
      await sleep(1_000);
      await heartbeat();
    }
  }

  private count(part: Part, kind: keyof CounterDeltas): void {
    part.pending.count(kind);
    this.stats.count(kind);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    if (this.assigned.size > this.parts.size) await this.takeAssigned();
    await this.flush(false);
    if (this.now() - this.lastStatsAtMs >= this.options.statsIntervalMs) this.logStats(false);
  }

  /**
   * Writes what changed in `only` (default: every part held and caught up); returns
   * whether everything held is now written. Parts another member took are dropped.
   */
  private async flush(final: boolean, only?: readonly Part[]): Promise<boolean> {
    const nowMs = this.now();
    const candidates = (only ?? [...this.parts.values()]).filter((p) => !this.replaying(p));
    // A part whose partitions are all idle seals with the member's other parts.
    const marks = new Map<number, number | undefined>();
    let memberMark = Number.NEGATIVE_INFINITY;
    for (const part of candidates) {
      const mark =
        final || this.rebalancing
          ? undefined
          : watermark(part.partitions.values(), nowMs, this.options.idlePartitionMs);
      marks.set(part.part, mark);
      if (mark !== undefined) memberMark = Math.max(memberMark, mark);
    }
    const writes: { part: Part; batch: PendingBatch; write: PartWrite }[] = [];
    for (const part of candidates) {
      const w = part.windows;
      for (const minuteMs of w.takeDirty()) part.pending.setMinute(minuteMs, w.rows(minuteMs));
      let mark = marks.get(part.part);
      if (
        !final &&
        !this.rebalancing &&
        mark === undefined &&
        Number.isFinite(memberMark) &&
        allIdle(part.partitions.values(), nowMs, this.options.idlePartitionMs)
      )
        mark = memberMark;
      if (mark !== undefined) w.seal(mark - this.options.latenessMs - this.options.graceMs);
      part.replayPoints.forgetBefore(w.retainedFrom);
      part.pending.forgetUsersBefore(w.retainedFrom);
      const offsets = part.replayPoints.changed(part.partitions.values());
      const sealedChanged = w.sealedBefore !== part.writtenSealedBefore;
      if (part.pending.isEmpty() && offsets.length === 0 && !sealedChanged) continue;
      const batch = part.pending.take();
      writes.push({
        part,
        batch,
        write: {
          part: part.part,
          epoch: part.epoch,
          minutes: batch.minutes,
          users: batch.users,
          days: batch.days,
          offsets,
          sealedBeforeMs: w.sealedBefore,
          deltas: batch.deltas,
        },
      });
    }
    if (writes.length === 0) return true;

    const newest = this.stats.newestCountedMs;
    const started = this.now();
    try {
      await writeFlush(this.options.db, {
        groupId: this.options.groupId,
        tz: this.calendar.timeZone,
        parts: writes.map((x) => x.write),
      });
    } catch (err) {
      for (const x of writes) x.part.pending.restore(x.batch);
      if (err instanceof PartsTakenError) {
        this.dropTaken(err.parts);
        const rest = writes.map((x) => x.part).filter((p) => this.parts.get(p.part) === p);
        return rest.length === 0 ? true : this.flush(final, rest);
      }
      this.flushFailingSinceMs ??= started;
      this.log.warn(
        { err, minutes: writes.reduce((n, x) => n + x.batch.minutes.size, 0) },
        'writing the windows failed; will retry',
      );
      return false;
    }
    const committed: SourceCommit[] = [];
    for (const { part, batch, write } of writes) {
      part.pending.settle(batch);
      part.replayPoints.markWritten(write.offsets);
      part.writtenSealedBefore = part.windows.sealedBefore;
      for (const o of write.offsets)
        committed.push({ topic: o.topic, partition: o.partition, offset: o.replayOffset });
    }
    this.flushFailingSinceMs = undefined;
    this.stats.flushed(newest, this.now() - started);
    if (committed.length > 0) {
      // The source's own offset (Kafka's) is where a restart re-reads from; the database
      // says where counting resumes. Committed after the transaction, never ahead of it.
      await this.source
        .commit(committed)
        .catch((err: unknown) =>
          this.log.warn({ err }, 'offset commit to the source failed; will retry'),
        );
    }
    return true;
  }

  private logStats(final: boolean): void {
    const nowMs = this.now();
    this.lastStatsAtMs = nowMs;
    let lag = 0;
    let openMinutes = 0;
    let sealedBefore = Number.POSITIVE_INFINITY;
    let replaying = false;
    for (const part of this.parts.values()) {
      for (const p of part.partitions.values()) lag += Math.max(0, p.lag);
      openMinutes += part.windows.minutes().length;
      sealedBefore = Math.min(sealedBefore, part.windows.sealedBefore);
      replaying ||= this.replaying(part);
    }
    this.log.info(
      {
        ...this.stats.take(nowMs, {
          lag,
          openMinutes,
          sealedBefore: Number.isFinite(sealedBefore) ? sealedBefore : Number.NEGATIVE_INFINITY,
          replaying,
        }),
        parts: [...this.parts.keys()].sort((a, b) => a - b),
      },
      final ? 'final stats' : 'stats',
    );
  }
}

/** Whether every partition of a part is caught up and silent, or was empty when assigned and still is. */
function allIdle(partitions: Iterable<PartitionState>, nowMs: number, idleMs: number): boolean {
  for (const p of partitions) {
    if (nowMs - p.lastRecordAtMs <= idleMs) return false;
    if (p.maxArrivalMs === Number.NEGATIVE_INFINITY ? p.emptyAtStart === false : p.lag !== 0)
      return false;
  }
  return true;
}
