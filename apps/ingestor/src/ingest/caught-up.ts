import type { Admin } from 'kafkajs';

/**
 * Whether every assigned partition has been read to its high watermark, asked of the
 * broker rather than taken from the last fetch. A partition's position is what this member
 * read (`readUpTo`), else the group's committed offset, else where a member with no
 * commit starts: the low watermark when reading from the beginning, the high one if not.
 * An empty partition is therefore read up already.
 */
export async function caughtUp(
  admin: Admin,
  groupId: string,
  assignment: Readonly<Record<string, readonly number[]>>,
  readUpTo: (topic: string, partition: number) => number | undefined,
  fromBeginning: boolean,
): Promise<boolean> {
  // Connecting a connected admin client is a no-op: the caller keeps one for every check.
  await admin.connect();
  const topics = Object.keys(assignment);
  const committed = new Map<string, number>();
  for (const t of await admin.fetchOffsets({ groupId, topics })) {
    for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, Number(p.offset));
  }
  for (const topic of topics) {
    const wanted = new Set(assignment[topic]);
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (!wanted.has(p.partition)) continue;
      const commit = committed.get(`${topic}/${p.partition}`) ?? -1;
      const start = fromBeginning ? Number(p.low) : Number(p.high);
      const position = readUpTo(topic, p.partition) ?? (commit >= 0 ? commit : start);
      if (position < Number(p.high)) return false;
    }
  }
  return true;
}
