import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { parseEventLine } from '@shoplens/schemas';
import type { Database } from '@shoplens/storage';
import { MinuteWindows, ZoneCalendar, arrivalTime, minuteOf } from '@shoplens/transforms';
import { partitionOffsets } from './partition-offsets.js';
import type { PartitionState } from './partition-state.js';
import { partitionState } from './partition-state.js';
import { PendingChanges } from './pending-changes.js';
import { ReplayPoints } from './replay-points.js';
import { StreamStats } from './stream-stats.js';
import { watermark } from './watermark.js';
import type { CounterDeltas, StreamCheckpoint } from './window-store.js';
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

const MAX_BACKOFF_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  private readonly replayPoints = new ReplayPoints();
  private readonly pending: PendingChanges;
  private readonly stats = new StreamStats();
  private writtenSealedBefore = Number.NEGATIVE_INFINITY;
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
    this.pending = new PendingChanges(this.calendar);
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
    this.replayPoints.clear();
    this.pending.clear();
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
    const offsets = await partitionOffsets(
      this.options.kafka,
      assigned.map((a) => a.topic),
      this.log,
    );
    for (const { topic, partition, key } of assigned) {
      // Records the broker has deleted (retention) cannot be re-read: replay what is left.
      const checkpoint = this.checkpoint.partitions.get(key);
      this.partitions.set(
        key,
        partitionState(
          topic,
          partition,
          key,
          checkpoint,
          offsets.get(key),
          this.options.fromBeginning,
          nowMs,
        ),
      );
    }
    this.log.info({ assignment, replaying: this.replaying() }, 'partitions assigned');
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
          this.count('invalid');
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
          if (minuteMs >= w.retainedFrom) this.replayPoints.track(minuteMs, p.key, offset);
        } else {
          const outcome = w.add(event, eventTimeMs, arrivalMs);
          if (outcome === 'counted') {
            this.count('counted');
            this.replayPoints.track(minuteMs, p.key, offset);
            this.pending.seeUser(this.calendar.dayOf(eventTimeMs), event.user_id);
            this.stats.counted(eventTimeMs);
          } else if (outcome === 'duplicate') {
            this.count('duplicates');
          } else {
            this.count('tooLate');
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

  private count(kind: keyof CounterDeltas): void {
    this.pending.count(kind);
    this.stats.count(kind);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    if (!this.replaying()) await this.flush(false);
    if (this.now() - this.lastStatsAtMs >= this.options.statsIntervalMs) this.logStats(false);
  }

  /** Writes what changed; returns whether everything held is now written. */
  private async flush(final: boolean): Promise<boolean> {
    const w = this.windows;
    for (const minuteMs of w.takeDirty()) this.pending.setMinute(minuteMs, w.rows(minuteMs));
    const mark = final
      ? undefined
      : watermark(this.partitions.values(), this.now(), this.options.idlePartitionMs);
    if (mark !== undefined) w.seal(mark - this.options.latenessMs - this.options.graceMs);
    this.replayPoints.forgetBefore(w.retainedFrom);
    this.pending.forgetUsersBefore(w.retainedFrom);

    const offsets = this.replayPoints.changed(this.partitions.values());
    const sealedChanged = w.sealedBefore !== this.writtenSealedBefore;
    if (this.pending.isEmpty() && offsets.length === 0 && !sealedChanged) return true;

    const batch = this.pending.take();
    const newest = this.stats.newestCountedMs;
    const started = this.now();
    try {
      await writeFlush(this.options.db, {
        groupId: this.options.groupId,
        tz: this.calendar.timeZone,
        minutes: batch.minutes,
        users: batch.users,
        days: batch.days,
        offsets,
        sealedBeforeMs: w.sealedBefore,
        deltas: batch.deltas,
      });
    } catch (err) {
      this.pending.restore(batch);
      this.flushFailingSinceMs ??= started;
      this.log.warn({ err, minutes: batch.minutes.size }, 'writing the windows failed; will retry');
      return false;
    }
    this.pending.settle(batch);
    this.replayPoints.markWritten(offsets);
    this.writtenSealedBefore = w.sealedBefore;
    this.flushFailingSinceMs = undefined;
    this.stats.flushed(newest, this.now() - started);
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
      this.stats.take(nowMs, {
        lag,
        openMinutes: this.windows.minutes().length,
        sealedBefore: this.windows.sealedBefore,
        replaying: this.replaying(),
      }),
      final ? 'final stats' : 'stats',
    );
  }
}
