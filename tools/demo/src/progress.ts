/** Progress on the terminal: step lines, and a counter redrawn in place on a TTY. */
export class Progress {
  private step = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly steps: number,
  ) {}

  start(title: string): void {
    this.step++;
    this.out.write(`[${this.step}/${this.steps}] ${title}\n`);
  }

  /** A counter; drawn at most 10 times a second, only on a terminal. */
  tick(done: number, total: number, unit: string): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (done < total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const width = 30;
    const bar = '#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.');
    this.out.write(
      `\r      [${bar}] ${pct}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`,
    );
    if (done >= total) this.out.write('\n');
  }

  info(text: string): void {
    this.out.write(`      ${text}\n`);
  }
}
