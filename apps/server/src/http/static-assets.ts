import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** Directories the server serves as static files; absent ones are skipped. */
export interface StaticDirs {
  /** The demo storefront, served at `/`. */
  demoPublic?: string;
  /** The built widget (`@liveshop/widget`'s `cdn/` folder), served at `/widget/`. */
  widget?: string;
  /** The demo HLS stream, served at `/stream/`. */
  stream?: string;
  /** The built consoles (`@liveshop/console`'s `dist/pages/`), served at `/console/host` and `/console/moderator`. */
  console?: string;
}

/** The folder of the built console pages, found through `@liveshop/console`'s exports. */
export function consolePagesDir(): string {
  return path.dirname(fileURLToPath(import.meta.resolve('@liveshop/console/pages/host.html')));
}

/**
 * The folder of the widget's bundle, found the way any dependency is: through
 * `@liveshop/widget`'s exports, wherever the package is installed.
 */
export function widgetBundleDir(): string {
  return path.dirname(fileURLToPath(import.meta.resolve('@liveshop/widget/live-shop.js')));
}

/** Routes for the static directories, with caching suited to each. */
export function staticRouter(dirs: StaticDirs): Router {
  const router = Router();
  if (dirs.widget) {
    router.use('/widget', withCors, express.static(dirs.widget, { maxAge: '5m', fallthrough: true }));
  }
  if (dirs.stream) {
    // Playlists change every segment; segments never change once written.
    router.use(
      '/stream',
      withCors,
      express.static(dirs.stream, {
        setHeaders: (res, file) => res.set('cache-control', file.endsWith('.m3u8') ? 'no-cache' : 'public, max-age=60'),
      }),
    );
  }
  if (dirs.console) {
    const pages = dirs.console;
    // Page names without `.html`; the token travels in the fragment, so these never see it.
    for (const page of ['host', 'moderator']) {
      router.get(`/console/${page}`, (_req, res) => {
        res.set('cache-control', 'no-cache').sendFile(path.join(pages, `${page}.html`));
      });
    }
    router.use('/console/assets', express.static(path.join(pages, 'assets'), { maxAge: '1y', immutable: true }));
  }
  if (dirs.demoPublic) router.use(express.static(dirs.demoPublic, { maxAge: '1m' }));
  return router;
}

const withCors: express.RequestHandler = (_req, res, next) => {
  res.set('access-control-allow-origin', '*');
  next();
};
