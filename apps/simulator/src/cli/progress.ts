import type { Logger } from 'pino';

/** Shows how far a run is: a redrawn bar on a terminal, or a log line every few seconds. */
export interface Progress {
  update(done: number): void;
  finish(done: number): void;
}

const BAR_WIDTH = 30;

function rate(done: number, startedAt: number): number {
  const seconds = (performance.now() - startedAt) / 1000;
  return seconds > 0 ? done / seconds : 0;
}

export function terminalProgress(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const startedAt = performance.now();
  let lastDraw = 0;
  const draw = (done: number) => {
    const share = total > 0 ? done / total : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const line =
      `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ` +
      `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${Math.round(rate(done, startedAt)).toLocaleString('en-US')} rec/s`;
    stream.write(`\r${line}\x1b[K`);
  };
  return {
    update(done) {
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      draw(done);
    },
    finish(done) {
      draw(done);
      stream.write('\n');
    },
  };
}

export function logProgress(total: number, logger: Logger, everyMs = 5000): Progress {
  const startedAt = performance.now();
  let last = startedAt;
  return {
    update(done) {
      const now = performance.now();
      if (now - last < everyMs) return;
      last = now;
      logger.info({ done, total, perSecond: Math.round(rate(done, startedAt)) }, 'progress');
    },
    finish(done) {
      logger.debug({ done, total }, 'progress finished');
    },
  };
}
