/**
 * `tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top=25] [--from=s] [--to=s] [--busy]`:
 * where a V8 CPU profile (from a bench's `--cpu-prof`) spends its time, optionally only between
 * two offsets (seconds from the profile's start, e.g. to leave start-up out) and only counting
 * non-idle samples (`--busy`, so percentages are of CPU time used). Prints self time by function and by package or
 * repository file, and inclusive time of the repository's own functions, so a profile of the real
 * server points straight at the file and function to look at.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/process.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values: flags, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: 'Infinity' },
    busy: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (!file) {
  console.error(
    'usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top=25] [--from=s] [--to=s] [--busy]',
  );
  process.exit(2);
}
const top = Number(flags.top);
const fromUs = Number(flags.from) * 1e6;
const toUs = Number(flags.to) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

/** `node_modules/.pnpm/<pkg>@<v>/node_modules/<pkg>/...` → the package; repository files → their path. */
function origin(url: string): string {
  if (!url) return '(native/vm)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/(?!\.pnpm)((?:@[^/]+\/)?[^/]+)\//.exec(path.split('node_modules/.pnpm/').at(-1) ?? path);
  if (path.includes('node_modules') && pkg) return pkg[1]!;
  if (path.startsWith('node:')) return path;
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
}
const label = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'}  ${origin(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfUs = new Map<number, number>();
let elapsedUs = 0;
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs < fromUs || elapsedUs > toUs) return;
  if (flags.busy && byId.get(id)?.callFrame.functionName === '(idle)') return;
  totalUs += delta;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const selfByFunction = new Map<string, number>();
const selfByOrigin = new Map<string, number>();
const inclusiveOwn = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  add(selfByFunction, label(node.callFrame), us);
  add(selfByOrigin, origin(node.callFrame.url), us);
  // Inclusive time of repository functions (apps/, packages/): each counted once per sample stack.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)!.callFrame;
    if (!/\/(apps|packages)\//.test(frame.url) || frame.url.includes('node_modules')) continue;
    const key = label(frame);
    if (!seen.has(key)) {
      seen.add(key);
      add(inclusiveOwn, key, us);
    }
  }
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / totalUs).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s ${flags.busy ? 'busy' : 'profiled'} in the window`);
print('self time by package / file', selfByOrigin);
print('self time by function', selfByFunction);
print('inclusive time of apps/ and packages/ functions', inclusiveOwn);
