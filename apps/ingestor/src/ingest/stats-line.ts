import type { PartitionBuffers } from './partition-buffers.js';
import type { IngestStats } from './stats.js';

/** The fields of one stats log line: the window's counters, what is held, the memory used. */
export function statsLine(
  stats: IngestStats,
  buffers: Iterable<PartitionBuffers>,
  final: boolean,
): Record<string, unknown> {
  let openFiles = 0;
  let openBytes = 0;
  let writing = 0;
  for (const b of buffers) {
    openFiles += b.openFiles;
    openBytes += b.openBytes;
    writing += b.writingFiles;
  }
  const memory = process.memoryUsage();
  return {
    ...stats.take(),
    totalRecords: stats.totalRecords,
    totalQuarantined: stats.totalQuarantined,
    openFiles,
    openBytes,
    writingFiles: writing,
    rssBytes: memory.rss,
    ...(final ? { maxRssBytes: process.resourceUsage().maxRSS * 1024 } : {}),
  };
}
