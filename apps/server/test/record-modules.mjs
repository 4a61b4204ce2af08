// Preloaded with `node --import` by compiled-start.test.ts: appends the URL or path of every module
// the process loads (ES imports through a resolve hook, CommonJS requires through the resolver) to
// the file named by LIVESHOP_MODULE_LOG, one per line.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.LIVESHOP_MODULE_LOG;
if (log) {
  register(
    'data:text/javascript,' +
      encodeURIComponent(`
        import { appendFileSync } from 'node:fs';
        export async function resolve(specifier, context, next) {
          const result = await next(specifier, context);
          appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
          return result;
        }`),
  );
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const file = resolveFilename.apply(this, args);
    appendFileSync(log, `${file}\n`);
    return file;
  };
}
