import { environmentVariables } from './env.js';
import { resolveOptions } from './options.js';

/** The options' defaults as the docs write them: `8080`, `on`, `off`. */
function defaultOf(option: keyof ReturnType<typeof resolveOptions>): string | undefined {
  const value = resolveOptions({})[option];
  if (typeof value === 'boolean') return value ? '`on`' : '`off`';
  if (typeof value === 'number' || typeof value === 'string') return `\`${value}\``;
  return undefined;
}

/** The variables the README's configuration table shows: what a first deployment sets. */
export const README_VARIABLES: readonly string[] = [
  'PORT',
  'REDIS_URL',
  'DATABASE_URL',
  'LIVESHOP_ADMIN_KEY',
  'LIVESHOP_DEMO',
  'LIVESHOP_METRICS_KEY',
  'LIVESHOP_METRICS_PORT',
  'LIVESHOP_SESSION_SECRET',
  'LIVESHOP_IP_RATE_LIMIT',
  'LIVESHOP_SESSION_RATE_LIMIT',
  'LIVESHOP_SHOPPER_RATE_LIMIT',
  'LIVESHOP_ALLOWED_ORIGINS',
  'LIVESHOP_PROCESSES',
];

/**
 * The rows of a table of environment variables: variable, meaning, default. Every variable (the
 * table in `docs/protocol.md`), or only those named, in the order of the server's list.
 */
export function environmentTableRows(names?: readonly string[]): [string, string, string][] {
  const shown = names ? environmentVariables.filter((variable) => names.includes(variable.name)) : environmentVariables;
  if (names && shown.length !== names.length) {
    const unknown = names.filter((name) => !environmentVariables.some((variable) => variable.name === name));
    throw new Error(`not variables the server reads: ${unknown.join(', ')}`);
  }
  return shown.map((variable) => {
    const defaultText = variable.defaultText ?? defaultOf(variable.option);
    if (defaultText === undefined) throw new Error(`${variable.name} has neither a default nor a defaultText`);
    return [`\`${variable.name}\``, variable.meaning, defaultText];
  });
}

/** That table as Markdown (columns unpadded; Prettier aligns them). */
export function environmentTable(names?: readonly string[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(['variable', 'meaning', 'default']),
    line(['---', '---', '---']),
    ...environmentTableRows(names).map(line),
  ].join('\n');
}

/** The lines around that table in `docs/protocol.md`. */
export const ENVIRONMENT_TABLE_MARKERS = {
  start: '<!-- environment variables: `pnpm docs:env` writes this table from apps/server/src/config/env.ts -->',
  end: '<!-- end of environment variables -->',
} as const;

/** The text between the markers of `markdown`, and where it starts and ends. */
export function environmentTableIn(markdown: string): { table: string; from: number; to: number } {
  const from = markdown.indexOf(ENVIRONMENT_TABLE_MARKERS.start);
  const to = markdown.indexOf(ENVIRONMENT_TABLE_MARKERS.end);
  if (from < 0 || to < from) throw new Error('the environment table markers are missing');
  const start = from + ENVIRONMENT_TABLE_MARKERS.start.length;
  return { table: markdown.slice(start, to).trim(), from: start, to };
}
