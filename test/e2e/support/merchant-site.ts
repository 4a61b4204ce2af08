import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const embeddingGuide = new URL('../../../docs/embedding.md', import.meta.url);
const favicon = new URL('../../../apps/demo/public/favicon.ico', import.meta.url);
const reactShop = fileURLToPath(new URL('./react-shop.tsx', import.meta.url));

/** The host name the guide's examples use for the Liveshop server. */
const GUIDE_SERVER = 'live.example.com';
/** The event the guide's examples join; the suites join the demo event. */
const GUIDE_EVENT = 'event="spring-drop"';

/** The code a merchant copies from `docs/embedding.md`, as the guide shows it. */
export interface EmbeddingGuide {
  /** "Add it to a page": the script tag and the element. */
  snippet: string;
  /** "Reserve its space": the rules that keep the page from shifting. */
  reserveCss: string;
  /** "Content Security Policy": one directive per line. */
  policyLines: string[];
  /** "Plain HTML": `index.html` and `cart.js`. */
  page: string;
  cart: string;
  /** "React": the `<LiveShow>` component. */
  react: string;
}

/** The first fenced block of `language` after `marker` in `markdown`. */
function fencedBlockAfter(markdown: string, marker: string, language: string): string {
  const start = markdown.indexOf(marker);
  if (start < 0) throw new Error(`docs/embedding.md has no "${marker}"`);
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(markdown.slice(start));
  if (!fence) throw new Error(`docs/embedding.md has no ${language} block after "${marker}"`);
  return fence[1]!;
}

export async function readEmbeddingGuide(): Promise<EmbeddingGuide> {
  const markdown = await readFile(embeddingGuide, 'utf8');
  const guide = {
    snippet: fencedBlockAfter(markdown, '## Add it to a page', 'html'),
    reserveCss: fencedBlockAfter(markdown, '### Reserve its space', 'css'),
    policyLines: fencedBlockAfter(markdown, '### Content Security Policy', 'text')
      .split('\n')
      .map((line) => line.trim().replace(/\s+/g, ' '))
      .filter(Boolean),
    page: fencedBlockAfter(markdown, '`index.html`:', 'html'),
    cart: fencedBlockAfter(markdown, '`cart.js`:', 'js'),
    react: fencedBlockAfter(markdown, '### React', 'tsx'),
  };
  // The full page must be the two-line snippet in context, not a variant of it.
  for (const line of guide.snippet.split('\n').map((l) => l.trim())) {
    if (line && !guide.page.includes(line)) throw new Error(`the plain HTML example lacks the snippet line ${line}`);
  }
  return guide;
}

/** The merchant's own look; the guide leaves a page's styles to the page. */
const MERCHANT_STYLES = `
body { margin: 0; font-family: system-ui, sans-serif; color: #1f2937; background: #f8fafc; line-height: 1.5; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { margin: 0 0 1rem; font-size: 1.6rem; }
h2 { margin: 1.75rem 0 0.5rem; font-size: 1.1rem; }
#bag { display: grid; gap: 0.5rem; margin: 0; padding: 0; list-style: none; }
#bag li { display: flex; align-items: center; gap: 0.75rem; }
#bag img { border-radius: 8px; background: #fff; }
`;

/** The React app's HTML shell: the widget's script tag, then the app's bundle. */
const REACT_SHELL = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Spring Drop, live</title>
    <link rel="stylesheet" href="/shop.css" />
    <script type="module" src="https://${GUIDE_SERVER}/widget/live-shop.js"></script>
    <script type="module" src="/react/shop.js"></script>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

/** Bundles the React app with the guide's component into one production ES module. */
async function bundleReactShop(component: string): Promise<string> {
  const result = await build({
    entryPoints: [reactShop],
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    plugins: [
      {
        name: 'guide',
        setup(bundler) {
          bundler.onResolve({ filter: /^guide:live-show$/ }, () => ({ path: 'live-show.tsx', namespace: 'guide' }));
          bundler.onLoad({ filter: /.*/, namespace: 'guide' }, () => ({
            contents: component,
            loader: 'tsx',
            resolveDir: path.dirname(reactShop),
          }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

export interface MerchantSite {
  /** The merchant's origin, e.g. `http://127.0.0.1:41234`; the plain page is at `/`, the React app at `/react/`. */
  url: string;
  /** The Content-Security-Policy both pages are served with: `default-src 'self'` plus the guide's lines. */
  policy: string;
  /** Points the guide's pages at the Liveshop server at `liveshopUrl` (an http origin). */
  embed(liveshopUrl: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A merchant's site on its own origin (another port on 127.0.0.1) serving exactly the guide's
 * plain HTML page and cart script, and a React app around the guide's component, with the guide's
 * server name and event swapped for the test server's, under the guide's Content-Security-Policy.
 * It listens before the Liveshop server starts, so that server's origin allowlist can name it.
 */
export async function startMerchantSite(): Promise<MerchantSite> {
  const guide = await readEmbeddingGuide();
  const icon = await readFile(favicon);
  let liveshop: URL | null = null;
  let reactBundle = '';
  const forServer = (text: string) => {
    if (!liveshop) throw new Error('embed() the Liveshop server first');
    const host = liveshop.host;
    return text
      .replaceAll(`https://${GUIDE_SERVER}`, `http://${host}`)
      .replaceAll(`wss://${GUIDE_SERVER}`, `ws://${host}`)
      .replaceAll(GUIDE_EVENT, 'event="demo"');
  };
  const policy = () => forServer(["default-src 'self'", ...guide.policyLines].join('; '));
  const files: Record<string, () => { type: string; body: string | Buffer; headers?: Record<string, string> }> = {
    '/': () => ({
      type: 'text/html; charset=utf-8',
      body: forServer(guide.page),
      headers: { 'content-security-policy': policy() },
    }),
    '/cart.js': () => ({ type: 'text/javascript; charset=utf-8', body: guide.cart }),
    '/react/': () => ({
      type: 'text/html; charset=utf-8',
      body: forServer(REACT_SHELL),
      headers: { 'content-security-policy': policy() },
    }),
    '/react/shop.js': () => ({ type: 'text/javascript; charset=utf-8', body: reactBundle }),
    '/shop.css': () => ({ type: 'text/css; charset=utf-8', body: `${guide.reserveCss}\n${MERCHANT_STYLES}` }),
    '/favicon.ico': () => ({ type: 'image/x-icon', body: icon }),
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://merchant').pathname];
    if (req.method !== 'GET' || !file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const { type, body, headers } = file();
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get policy() {
      return policy();
    },
    async embed(liveshopUrl) {
      liveshop = new URL(liveshopUrl);
      reactBundle = await bundleReactShop(forServer(guide.react));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
