/**
 * The control channel of a benchmark server process (bare or real launcher): the bench writes
 * commands on the child's stdin, one per line, and reads one JSON reply line on its stdout.
 * `gc` runs full garbage collections (needs `--expose-gc`), so an RSS reading is not skewed by
 * garbage from start-up or from an earlier phase.
 */
import { createInterface } from 'node:readline';

const collect = async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
};

export function listenForControl(): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'gc') return;
    void collect().then((collected) => process.stdout.write(`${JSON.stringify({ control: 'gc', collected })}\n`));
  });
  // The bench closing stdin (or dying) is not a reason to exit; SIGTERM is.
  lines.on('close', () => undefined);
}
