/**
 * Progress on stderr: a `cli-progress` bar per phase when stderr is a terminal and the report is
 * a table; plain lines (at most one a second per phase) when stderr is a pipe or a file, or the
 * report is JSON; nothing with `--no-progress`.
 */
import cliProgress from 'cli-progress';
import { fmtInt } from '../bench/lib/report.js';

type Mode = 'bar' | 'lines' | 'off';

const LINE_INTERVAL_MS = 1000;

export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private phase = '';
  private total = 0;
  private lastLineAt = 0;
  private lastDone = 0;

  constructor(private readonly mode: Mode) {}

  static forOptions(options: { json: boolean; progress: boolean }): Progress {
    if (!options.progress) return new Progress('off');
    return new Progress(process.stderr.isTTY && !options.json ? 'bar' : 'lines');
  }

  /** A message between phases. */
  note(message: string): void {
    if (this.mode === 'off') return;
    this.stopBar();
    process.stderr.write(`[ghost-event] ${message}\n`);
  }

  /** Starts a counted phase (connect, buy now, checkout). */
  start(phase: string, total: number): void {
    this.finish();
    this.phase = phase;
    this.total = total;
    this.lastDone = 0;
    this.lastLineAt = Date.now();
    if (this.mode === 'bar') {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${phase.padEnd(9)} [{bar}] {percentage}% {value}/{total} {duration_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0);
    } else if (this.mode === 'lines') {
      this.line(0);
    }
  }

  update(done: number): void {
    this.lastDone = done;
    if (this.mode === 'bar') this.bar?.update(done);
    else if (this.mode === 'lines' && Date.now() - this.lastLineAt >= LINE_INTERVAL_MS) this.line(done);
  }

  /** Ends the current phase at `done` (default: the last count reported). */
  finish(done = this.lastDone): void {
    if (!this.phase) return;
    if (this.mode === 'bar') {
      this.bar?.update(done);
      this.stopBar();
    } else if (this.mode === 'lines') {
      this.line(done);
    }
    this.phase = '';
  }

  private line(done: number): void {
    this.lastLineAt = Date.now();
    process.stderr.write(`[ghost-event] ${this.phase}: ${fmtInt(done)}/${fmtInt(this.total)}\n`);
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
