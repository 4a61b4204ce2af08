/** Checks the open-file limit before opening thousands of sockets on loopback. */
import { readFileSync } from 'node:fs';

/** Soft "Max open files" of this process (inherited by the children it starts). */
export function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (!match) return Number.NaN;
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/**
 * Throws when one process could not hold `sockets` connections (the server keeps every one of
 * them; the load generator spreads its side over several workers).
 */
export function assertOpenFiles(sockets: number): void {
  const limit = openFileLimit();
  if (limit < sockets + 1000) {
    throw new Error(
      `open-file limit ${limit} is too low for ${sockets} sockets in one server process; ` +
        `run \`ulimit -n ${Math.max(65535, sockets + 1000)}\` in this shell first`,
    );
  }
}
