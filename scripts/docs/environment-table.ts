/**
 * `pnpm docs:env`: writes the table of environment variables in docs/protocol.md from the variables
 * the server reads (apps/server/src/config/env.ts), between the table's markers, formatted by
 * Prettier. The server's tests fail while the two differ. It reads the built server
 * (`@liveshop/server/env-docs`), so `pnpm docs:env` builds the server first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { environmentTable, environmentTableIn } from '@liveshop/server/env-docs';

const docs = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));
const markdown = await readFile(docs, 'utf8');
const { from, to } = environmentTableIn(markdown);
const updated = `${markdown.slice(0, from)}\n\n${environmentTable()}\n\n${markdown.slice(to)}`;
const formatted = await format(updated, { ...(await resolveConfig(docs)), filepath: docs });
if (formatted === markdown) {
  console.log('docs/protocol.md: the environment table is current');
} else {
  await writeFile(docs, formatted);
  console.log('docs/protocol.md: environment table written');
}
