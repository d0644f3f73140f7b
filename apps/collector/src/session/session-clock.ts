import { LruCache } from '@shoplens/transforms';
import { uuidV5 } from '../ids/uuid-v5.js';

/** The namespace of session ids the collector derives. */
export const SESSION_NAMESPACE = '3a9d5e27-c4b1-4e8f-8d2a-61f0b7c9e354';
export const SESSION_GAP_MS = 30 * 60 * 1000;

interface OpenSession {
  readonly startMs: number;
  lastMs: number;
  readonly id: string;
}

/**
 * Session ids for calls that carry none: a user's events belong to one session while
 * each comes at most 30 minutes (event time) after the session's latest one; an event
 * before the session's start or after a longer gap starts a new one. The id is a UUID v5
 * of the user and the session's first event time, so the same events give the same id
 * again (a retried request after a restart too, when its first event opened the session).
 * One open session per user, the most recently used `capacity` users kept.
 */
export class SessionClock {
  private readonly open: LruCache<string, OpenSession>;

  constructor(capacity = 100_000) {
    this.open = new LruCache(capacity);
  }

  sessionFor(userKey: string, eventMs: number): string {
    const current = this.open.get(userKey);
    if (current && eventMs >= current.startMs && eventMs - current.lastMs <= SESSION_GAP_MS) {
      if (eventMs > current.lastMs) current.lastMs = eventMs;
      return current.id;
    }
    const id = uuidV5(`${userKey}\u0000${eventMs}`, SESSION_NAMESPACE);
    this.open.set(userKey, { startMs: eventMs, lastMs: eventMs, id });
    return id;
  }
}
