import { environmentVariables } from './env.js';
import { resolveOptions } from './options.js';

/** The options' defaults as the docs write them: `8080`, `on`, `off`. */
function defaultOf(option: keyof ReturnType<typeof resolveOptions>): string | undefined {
  const value = resolveOptions({})[option];
  if (typeof value === 'boolean') return value ? '`on`' : '`off`';
  if (typeof value === 'number' || typeof value === 'string') return `\`${value}\``;
  return undefined;
}

/** The rows of the table of environment variables in `docs/protocol.md`: variable, meaning, default. */
export function environmentTableRows(): [string, string, string][] {
  return environmentVariables.map((variable) => {
    const defaultText = variable.defaultText ?? defaultOf(variable.option);
    if (defaultText === undefined) throw new Error(`${variable.name} has neither a default nor a defaultText`);
    return [`\`${variable.name}\``, variable.meaning, defaultText];
  });
}

/** That table as Markdown (columns unpadded; Prettier aligns them). */
export function environmentTable(): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(['variable', 'meaning', 'default']),
    line(['---', '---', '---']),
    ...environmentTableRows().map(line),
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
