/** Checks the open-file limit before opening thousands of sockets on loopback. */
import { readFileSync } from 'node:fs';

export interface OpenFileLimits {
  soft: number;
  hard: number;
}

/** Soft and hard "Max open files" of this process (inherited by the children it starts). */
export function openFileLimits(): OpenFileLimits {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  const value = (raw: string | undefined) =>
    raw === undefined ? Number.NaN : raw === 'unlimited' ? Number.POSITIVE_INFINITY : Number(raw);
  return { soft: value(match?.[1]), hard: value(match?.[2]) };
}

/** Soft "Max open files" of this process. */
export function openFileLimit(): number {
  return openFileLimits().soft;
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

/**
 * How a child process gets `needed` open files: nothing to do (undefined) when the soft limit
 * suffices, else the soft limit to raise it to (allowed up to the hard limit without privileges).
 * Throws, naming the command to run, when even the hard limit is too low.
 */
export function softLimitToRaise(needed: number): number | undefined {
  const { soft, hard } = openFileLimits();
  if (!(soft < needed)) return undefined;
  if (needed <= hard) return needed;
  throw new Error(
    `open-file limit too low: ${needed} files needed per load worker, but this shell allows ` +
      `${soft} (hard limit ${hard}). Raise it with \`ulimit -n ${needed}\` (as root, or in ` +
      `/etc/security/limits.conf) or spread the sockets over more workers (--workers).`,
  );
}
