/**
 * `pnpm docs:env`: writes the tables of environment variables in docs/protocol.md (every variable)
 * and README.md (what a first deployment sets) from the variables the server reads
 * (apps/server/src/config/env.ts), between the tables' markers, formatted by
 * Prettier. The server's tests fail while the two differ. It reads the built server
 * (`@liveshop/server/env-docs`), so `pnpm docs:env` builds the server first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { README_VARIABLES, environmentTable, environmentTableIn } from '@liveshop/server/env-docs';

/** Writes `table` between the markers of the doc at `path` (relative to the repository's root). */
async function writeTable(path: string, table: string): Promise<void> {
  const doc = fileURLToPath(new URL(`../../${path}`, import.meta.url));
  const markdown = await readFile(doc, 'utf8');
  const { from, to } = environmentTableIn(markdown);
  const updated = `${markdown.slice(0, from)}\n\n${table}\n\n${markdown.slice(to)}`;
  const formatted = await format(updated, { ...(await resolveConfig(doc)), filepath: doc });
  if (formatted === markdown) {
    console.log(`${path}: the environment table is current`);
  } else {
    await writeFile(doc, formatted);
    console.log(`${path}: environment table written`);
  }
}

await writeTable('docs/protocol.md', environmentTable());
await writeTable('README.md', environmentTable(README_VARIABLES));
