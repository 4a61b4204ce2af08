import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** Directories the server serves as static files; absent ones are skipped. */
export interface StaticDirs {
  /** The demo storefront, served at `/`. */
  demoPublic?: string;
  /** The built widget (`packages/widget/dist`), served at `/widget/`. */
  widget?: string;
  /** The demo HLS stream, served at `/stream/`. */
  stream?: string;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where the monorepo keeps each served directory. */
export const defaultStaticDirs = {
  demoPublic: path.join(repoRoot, 'apps/demo/public'),
  widget: path.join(repoRoot, 'packages/widget/dist'),
  stream: path.join(repoRoot, 'apps/demo/stream'),
};

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
  if (dirs.demoPublic) router.use(express.static(dirs.demoPublic, { maxAge: '1m' }));
  return router;
}

const withCors: express.RequestHandler = (_req, res, next) => {
  res.set('access-control-allow-origin', '*');
  next();
};
