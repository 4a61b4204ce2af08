import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet with a Content-Security-Policy that still lets the demo page run the widget: scripts and
 * styles from this origin (Lit adopts constructed stylesheets; `'unsafe-inline'` styles cover
 * style attributes), the socket.io connection, product images from anywhere over https, and HLS
 * playback, where hls.js feeds the <video> through `blob:` URLs and may fetch segments from a CDN.
 * Cross-origin resource policy is relaxed because merchant pages on other origins load
 * `/widget/live-shop.js` and product images.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        mediaSrc: ["'self'", 'blob:', 'https:'],
        connectSrc: ["'self'", 'ws:', 'wss:', 'https:'],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * CORS for the public API and the widget bundle: any origin when no allowlist is set, else only
 * listed ones. Credentials are never used (sessions travel in the socket handshake, or in a
 * beacon's body). The read API allows `GET`; a route taking posts (beacons) passes `'POST'`, and
 * its preflight then also allows the `content-type` header.
 */
export function publicCors(allowedOrigins: string[], method: 'GET' | 'POST' = 'GET'): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const methods = method === 'GET' ? 'GET, HEAD, OPTIONS' : 'POST, OPTIONS';
  return (req, res, next) => {
    const origin = req.get('origin');
    if (allowed.size === 0) res.set('access-control-allow-origin', '*');
    else if (origin && allowed.has(origin)) res.set('access-control-allow-origin', origin).vary('origin');
    if (req.method === 'OPTIONS') {
      res.set('access-control-allow-methods', methods).set('access-control-max-age', '600');
      if (method === 'POST') res.set('access-control-allow-headers', 'content-type');
      res.status(204).end();
      return;
    }
    next();
  };
}
