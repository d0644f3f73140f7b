import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { parseEventLine } from '@shoplens/schemas';
import type { Database } from '@shoplens/storage';
import type { MinuteKpiRow } from '@shoplens/transforms';
import { MinuteWindows, ZoneCalendar, arrivalTime, minuteOf } from '@shoplens/transforms';
import type {
  CounterDeltas,
  DayRange,
  PartitionCheckpoint,
  StreamCheckpoint,
} from './window-store.js';
import { loadCheckpoint, partitionKey, writeFlush } from './window-store.js';
import { undecodableBatchOf, watchConsumerCrashes } from '@shoplens/runtime';

export interface StreamerOptions {
  readonly kafka: Kafka;
  readonly db: Kysely<Database>;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly reportTz: string;
  readonly latenessMs: number;
  readonly graceMs: number;
  readonly flushIntervalMs: number;
  readonly idlePartitionMs: number;
  readonly fromBeginning: boolean;
  readonly statsIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export type StreamerOutcome = 'stopped' | 'crashed' | 'unclean';

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** The next offset to read; −1 until the first record when there is no checkpoint. */
  nextOffset: number;
  /** Offsets below this were counted before a restart: they only rebuild the windows. */
  readonly countFrom: number;
  maxArrivalMs: number;
  lastRecordAtMs: number;
  readonly assignedAtMs: number;
  lag: number;
}

const MAX_BACKOFF_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const zeroDeltas = (): CounterDeltas => ({ counted: 0, duplicates: 0, tooLate: 0, invalid: 0 });

/**
 * One member of the streamer group. Records update event-time minute windows in memory;
 * every flush writes the changed minutes, the day roll-ups, the offsets and the counters
 * in one transaction, then commits to Kafka the offset a restart must re-read from.
 */
export class Streamer {
  private readonly consumer: Consumer;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly calendar: ZoneCalendar;
  private windows: MinuteWindows;
  private checkpoint: StreamCheckpoint = { sealedBeforeMs: undefined, partitions: new Map() };
  private readonly partitions = new Map<string, PartitionState>();
  /** Per minute, the first offset of each partition that fed it: the replay point. */
  private readonly minuteOffsets = new Map<number, Map<string, number>>();
  private readonly pending = new Map<number, readonly MinuteKpiRow[]>();
  private pendingUsers = new Map<string, string[]>();
  private readonly knownUsers = new Map<string, Set<string>>();
  private deltas = zeroDeltas();
  private readonly totals = zeroDeltas();
  private readonly written = new Map<string, string>();
  private writtenSealedBefore = Number.NEGATIVE_INFINITY;
  private newestCountedMs = Number.NEGATIVE_INFINITY;
  private newestVisibleMs = Number.NEGATIVE_INFINITY;
  private flushes = 0;
  private flushMsTotal = 0;
  private flushFailingSinceMs: number | undefined;
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
    this.windows = new MinuteWindows({ latenessMs: options.latenessMs });
    this.lastStatsAtMs = this.now();
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 2 * 1024 * 1024,
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  async start(): Promise<void> {
    await this.resetFromCheckpoint();
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment;
      void this.locked(() => this.onAssignment(assignment));
    });
    watchConsumerCrashes(consumer, this.log, () => void this.stop('crashed'));
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.locked(() => this.onBatch(payload)),
    });
    this.timer = setInterval(
      () => void this.locked(() => this.tick()),
      this.options.flushIntervalMs,
    );
    this.log.info(
      {
        topics: this.options.topics,
        groupId: this.options.groupId,
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
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet: nothing to pause.
    }
    const deadline = this.now() + this.options.shutdownTimeoutMs;
    let clean = false;
    await this.locked(async () => {
      for (let attempt = 1; this.now() < deadline; attempt++) {
        if (this.replaying()) {
          // Nothing counted since the restart: the checkpoint already stands.
          clean = true;
          return;
        }
        if (await this.flush(true)) {
          clean = true;
          return;
        }
        await sleep(Math.min(200 * attempt, MAX_BACKOFF_MS));
      }
    });
    await this.consumer
      .disconnect()
      .catch((err: unknown) => this.log.warn({ err }, 'disconnect failed'));
    this.logStats(true);
    this.finish(clean ? outcome : 'unclean');
  }

  private locked<T>(body: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(body);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async resetFromCheckpoint(): Promise<void> {
    this.checkpoint = await loadCheckpoint(this.options.db, this.options.groupId);
    this.windows = new MinuteWindows({ latenessMs: this.options.latenessMs });
    if (this.checkpoint.sealedBeforeMs !== undefined)
      this.windows.resumeSealedBefore(this.checkpoint.sealedBeforeMs);
    this.writtenSealedBefore = this.windows.sealedBefore;
    this.partitions.clear();
    this.minuteOffsets.clear();
    this.pending.clear();
    this.pendingUsers.clear();
    this.knownUsers.clear();
    this.deltas = zeroDeltas();
    this.written.clear();
  }

  private async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    const assigned = Object.entries(assignment).flatMap(([topic, ps]) =>
      ps.map((partition) => ({ topic, partition, key: partitionKey(topic, partition) })),
    );
    const same =
      assigned.length === this.partitions.size && assigned.every((a) => this.partitions.has(a.key));
    if (same) return;
    if (this.partitions.size > 0) {
      // Another member took partitions (or gave some): start over from what is written,
      // as a restart would, so that every window is rebuilt from its own partitions.
      this.log.warn({ assignment }, 'assignment changed: resuming from the checkpoint');
      if (!this.replaying()) await this.flush(true);
      await this.resetFromCheckpoint();
    }
    const nowMs = this.now();
    const earliest = await this.earliestOffsets(assigned.map((a) => a.topic));
    for (const { topic, partition, key } of assigned) {
      const cp: PartitionCheckpoint | undefined = this.checkpoint.partitions.get(key);
      // Records the broker has deleted (retention) cannot be re-read: replay what is left.
      const low = earliest.get(key) ?? 0;
      this.partitions.set(key, {
        topic,
        partition,
        key,
        nextOffset: cp ? Math.max(cp.replayOffset, low) : -1,
        countFrom: cp ? cp.nextOffset : -1,
        maxArrivalMs: Number.NEGATIVE_INFINITY,
        lastRecordAtMs: nowMs,
        assignedAtMs: nowMs,
        lag: -1,
      });
    }
    this.log.info({ assignment, replaying: this.replaying() }, 'partitions assigned');
  }

  private async earliestOffsets(topics: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      for (const topic of new Set(topics))
        for (const o of await admin.fetchTopicOffsets(topic))
          out.set(partitionKey(topic, o.partition), Number(o.low));
    } catch (err) {
      this.log.warn({ err }, 'could not read the earliest offsets; assuming nothing was deleted');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return out;
  }

  private replaying(): boolean {
    for (const p of this.partitions.values()) if (p.nextOffset < p.countFrom) return true;
    return false;
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const p = this.partitions.get(partitionKey(topic, partition));
    if (p === undefined || this.stopping) return;
    const nowMs = this.now();
    const w = this.windows;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const offset = Number(message.offset);
      // Resolving moves the fetch position only; what counts as done is in the database.
      resolveOffset(message.offset);
      if (offset < p.nextOffset) continue;
      const arrivalMs = arrivalTime(Number(message.timestamp), nowMs);
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
          this.deltas.invalid++;
          this.totals.invalid++;
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
          if (minuteMs >= w.retainedFrom) this.track(minuteMs, p.key, offset);
        } else {
          const outcome = w.add(event, eventTimeMs, arrivalMs);
          if (outcome === 'counted') {
            this.deltas.counted++;
            this.totals.counted++;
            this.track(minuteMs, p.key, offset);
            this.seeUser(this.calendar.dayOf(eventTimeMs), event.user_id);
            if (eventTimeMs > this.newestCountedMs) this.newestCountedMs = eventTimeMs;
          } else if (outcome === 'duplicate') {
            this.deltas.duplicates++;
            this.totals.duplicates++;
          } else {
            this.deltas.tooLate++;
            this.totals.tooLate++;
          }
        }
      }
      p.nextOffset = offset + 1;
      if (arrivalMs > p.maxArrivalMs) p.maxArrivalMs = arrivalMs;
      p.lastRecordAtMs = nowMs;
    }
    p.lag = Number(batch.offsetLag());
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

  private track(minuteMs: number, key: string, offset: number): void {
    let byPartition = this.minuteOffsets.get(minuteMs);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.minuteOffsets.set(minuteMs, byPartition);
    }
    if (!byPartition.has(key)) byPartition.set(key, offset);
  }

  private seeUser(day: string, userId: string): void {
    let known = this.knownUsers.get(day);
    if (known === undefined) {
      known = new Set();
      this.knownUsers.set(day, known);
    }
    if (known.has(userId)) return;
    known.add(userId);
    let users = this.pendingUsers.get(day);
    if (users === undefined) {
      users = [];
      this.pendingUsers.set(day, users);
    }
    users.push(userId);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    if (!this.replaying()) await this.flush(false);
    if (this.now() - this.lastStatsAtMs >= this.options.statsIntervalMs) this.logStats(false);
  }

  /** The oldest newest-record time over the partitions that can still bring records. */
  private watermark(): number | undefined {
    const nowMs = this.now();
    let mark = Number.POSITIVE_INFINITY;
    for (const p of this.partitions.values()) {
      const idle = nowMs - p.lastRecordAtMs > this.options.idlePartitionMs;
      if (p.maxArrivalMs === Number.NEGATIVE_INFINITY) {
        if (idle) continue;
        return undefined;
      }
      if (idle && p.lag === 0) continue;
      mark = Math.min(mark, p.maxArrivalMs);
    }
    return mark === Number.POSITIVE_INFINITY ? undefined : mark;
  }

  /** Writes what changed; returns whether everything held is now written. */
  private async flush(final: boolean): Promise<boolean> {
    const w = this.windows;
    for (const minuteMs of w.takeDirty()) this.pending.set(minuteMs, w.rows(minuteMs));
    const mark = final ? undefined : this.watermark();
    if (mark !== undefined) w.seal(mark - this.options.latenessMs - this.options.graceMs);
    for (const minuteMs of this.minuteOffsets.keys())
      if (minuteMs < w.retainedFrom) this.minuteOffsets.delete(minuteMs);
    for (const day of this.knownUsers.keys())
      if (this.calendar.dayRange(day).endMs <= w.retainedFrom) this.knownUsers.delete(day);

    const replayFrom = new Map<string, number>();
    for (const byPartition of this.minuteOffsets.values())
      for (const [key, offset] of byPartition)
        replayFrom.set(key, Math.min(offset, replayFrom.get(key) ?? offset));
    const offsets: PartitionCheckpoint[] = [];
    for (const p of this.partitions.values()) {
      if (p.nextOffset < 0) continue;
      const replayOffset = Math.min(replayFrom.get(p.key) ?? p.nextOffset, p.nextOffset);
      const text = `${p.nextOffset}/${replayOffset}`;
      if (this.written.get(p.key) === text) continue;
      offsets.push({
        topic: p.topic,
        partition: p.partition,
        nextOffset: p.nextOffset,
        replayOffset,
      });
    }
    const deltas = this.deltas;
    const sealedChanged = w.sealedBefore !== this.writtenSealedBefore;
    if (
      this.pending.size === 0 &&
      this.pendingUsers.size === 0 &&
      offsets.length === 0 &&
      !sealedChanged &&
      deltas.counted + deltas.duplicates + deltas.tooLate + deltas.invalid === 0
    )
      return true;

    const days = new Map<string, DayRange>();
    const addDay = (day: string) => {
      if (!days.has(day)) days.set(day, { day, ...this.calendar.dayRange(day) });
    };
    for (const minuteMs of this.pending.keys()) addDay(this.calendar.dayOf(minuteMs));
    for (const day of this.pendingUsers.keys()) addDay(day);
    const users = this.pendingUsers;
    const minutes = new Map(this.pending);
    this.pendingUsers = new Map();
    this.deltas = zeroDeltas();
    const newest = this.newestCountedMs;
    const started = this.now();
    try {
      await writeFlush(this.options.db, {
        groupId: this.options.groupId,
        tz: this.calendar.timeZone,
        minutes,
        users,
        days: [...days.values()].sort((a, b) => a.startMs - b.startMs),
        offsets,
        sealedBeforeMs: w.sealedBefore,
        deltas,
      });
    } catch (err) {
      for (const [day, list] of users) {
        const again = this.pendingUsers.get(day);
        this.pendingUsers.set(day, again ? [...list, ...again] : list);
      }
      this.deltas.counted += deltas.counted;
      this.deltas.duplicates += deltas.duplicates;
      this.deltas.tooLate += deltas.tooLate;
      this.deltas.invalid += deltas.invalid;
      this.flushFailingSinceMs ??= started;
      this.log.warn({ err, minutes: minutes.size }, 'writing the windows failed; will retry');
      return false;
    }
    for (const [minuteMs, rows] of minutes)
      if (this.pending.get(minuteMs) === rows) this.pending.delete(minuteMs);
    for (const o of offsets)
      this.written.set(partitionKey(o.topic, o.partition), `${o.nextOffset}/${o.replayOffset}`);
    this.writtenSealedBefore = w.sealedBefore;
    this.flushFailingSinceMs = undefined;
    this.newestVisibleMs = Math.max(this.newestVisibleMs, newest);
    this.flushes++;
    this.flushMsTotal += this.now() - started;
    if (offsets.length > 0) {
      // Kafka's own offset is where a restart re-reads from; the database says where
      // counting resumes. Committed after the transaction, so it is never ahead of it.
      await this.consumer
        .commitOffsets(
          offsets.map((o) => ({
            topic: o.topic,
            partition: o.partition,
            offset: String(o.replayOffset),
          })),
        )
        .catch((err: unknown) =>
          this.log.warn({ err }, 'offset commit to Kafka failed; will retry'),
        );
    }
    return true;
  }

  private logStats(final: boolean): void {
    const nowMs = this.now();
    this.lastStatsAtMs = nowMs;
    let lag = 0;
    for (const p of this.partitions.values()) lag += Math.max(0, p.lag);
    this.log.info(
      {
        lag,
        freshnessMs: Number.isFinite(this.newestVisibleMs) ? nowMs - this.newestVisibleMs : null,
        counted: this.totals.counted,
        duplicates: this.totals.duplicates,
        tooLate: this.totals.tooLate,
        invalid: this.totals.invalid,
        openMinutes: this.windows.minutes().length,
        sealedBefore: Number.isFinite(this.windows.sealedBefore)
          ? new Date(this.windows.sealedBefore).toISOString()
          : null,
        flushes: this.flushes,
        meanFlushMs: this.flushes === 0 ? null : Math.round(this.flushMsTotal / this.flushes),
        replaying: this.replaying(),
        rssBytes: process.memoryUsage().rss,
      },
      final ? 'final stats' : 'stats',
    );
    this.flushes = 0;
    this.flushMsTotal = 0;
  }
}
