import type { PartitionAssigner } from 'kafkajs';
import { AssignerProtocol } from 'kafkajs';

export const PART_ASSIGNER_NAME = 'ShoplensPartAssigner';

/** What a member tells the group leader when it joins. */
interface MemberData {
  readonly startedAtMs: number;
}

/** Partitions per topic, or `undefined` when the topics do not all have the same count. */
export function commonPartitionCount(counts: readonly number[]): number | undefined {
  if (counts.length === 0) return undefined;
  return counts.every((n) => n === counts[0]) ? counts[0] : undefined;
}

export interface Member {
  readonly memberId: string;
  readonly startedAtMs: number;
}

/**
 * Who gets what, as Kafka's range assignor does for topics of one partition count:
 * partition n of every topic goes to the same member, so that member holds every record
 * of the users keyed to n. Parts go round the members, oldest member first. When the
 * topics' partition counts differ, users are not co-partitioned and a part cannot be
 * split: everything goes to the oldest member, the others get nothing.
 */
export function assignParts(
  members: readonly Member[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const sorted = [...members].sort(
    (a, b) => a.startedAtMs - b.startedAtMs || (a.memberId < b.memberId ? -1 : 1),
  );
  const out = new Map<string, Record<string, number[]>>(sorted.map((m) => [m.memberId, {}]));
  if (sorted.length === 0) return out;
  const counts = [...partitionsByTopic.values()].map((ps) => ps.length);
  const coPartitioned = commonPartitionCount(counts) !== undefined;
  for (const [topic, partitions] of partitionsByTopic) {
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const member = coPartitioned ? sorted[partition % sorted.length]! : sorted[0]!;
      const assignment = out.get(member.memberId)!;
      (assignment[topic] ??= []).push(partition);
    }
  }
  return out;
}

/** The kafkajs assigner over {@link assignParts}; `startedAtMs` orders the members. */
export function partAssigner(startedAtMs: number): PartitionAssigner {
  return ({ cluster }) => ({
    name: PART_ASSIGNER_NAME,
    version: 1,
    async assign({ members, topics }) {
      const partitionsByTopic = new Map<string, number[]>();
      for (const topic of topics)
        partitionsByTopic.set(
          topic,
          cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId),
        );
      const assigned = assignParts(
        members.map((m) => ({ memberId: m.memberId, startedAtMs: memberStart(m.memberMetadata) })),
        partitionsByTopic,
      );
      return [...assigned].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      const data: MemberData = { startedAtMs };
      return {
        name: PART_ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(JSON.stringify(data)),
        }),
      };
    },
  });
}

function memberStart(metadata: Buffer): number {
  try {
    const decoded = AssignerProtocol.MemberMetadata.decode(metadata);
    const data = JSON.parse(decoded?.userData.toString('utf8') ?? '') as Partial<MemberData>;
    return typeof data.startedAtMs === 'number' ? data.startedAtMs : Number.MAX_SAFE_INTEGER;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}
