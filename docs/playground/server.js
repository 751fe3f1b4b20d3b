/**
 * A tiny static file server for the playground (plain Node, no dependency): serves the repository
 * root on 127.0.0.1, so both /docs/playground/index.html and /dist/lamina.mjs are reachable, with the
 * cross-origin isolation headers (COOP same-origin, COEP require-corp) under which a page and its
 * workers get SharedArrayBuffer.
 *
 *   node docs/playground/server.js [port]     (default 8080; prints the playground's URL)
 *   const { url, close } = await startServer({ port: 0, root });
 */
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

/** Content types by file extension; anything else is served as bytes. */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers every response carries: cross-origin isolation, and no caching (the bundle is rebuilt often). */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Sends a short text response (errors). */
function sendText(res, status, text) {
  res.writeHead(status, { ...ISOLATION, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * The file a request path names under `root`, or null if the path is malformed or leaves the
 * root: any `..` segment is refused outright, before and after decoding.
 */
function resolveUnder(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const segments = decoded.split(/[\\/]+/);
  if (segments.includes('..')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + segments.filter(Boolean).join('/')));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

/** The request handler for `root` (an absolute, resolved path). */
function handler(root) {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, `Method ${req.method} not allowed: this server serves files (GET, HEAD)`);
      return;
    }
    const urlPath = (req.url || '/').split('?')[0].split('#')[0];
    if (urlPath.split('/').includes('..') || /(^|\/|%2f|%5c)(\.|%2e){2}($|\/|%2f|%5c)/i.test(urlPath)) {
      sendText(res, 400, `Bad path ${urlPath}: '..' is not allowed`);
      return;
    }
    let file = resolveUnder(root, urlPath);
    if (file === null) {
      sendText(res, 400, `Bad path ${urlPath}`);
      return;
    }
    if (urlPath === '/') {
      res.writeHead(302, { ...ISOLATION, Location: '/docs/playground/index.html' });
      res.end();
      return;
    }
    fs.stat(file, (err, stat) => {
      if (!err && stat.isDirectory()) {
        file = path.join(file, 'index.html');
        try {
          stat = fs.statSync(file);
        } catch (e) {
          err = e;
        }
      }
      if (err || !stat.isFile()) {
        sendText(res, 404, `Not found: ${urlPath}`);
        return;
      }
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { ...ISOLATION, 'Content-Type': type, 'Content-Length': stat.size });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    });
  };
}

/**
 * Starts the server on 127.0.0.1:`port` (0: any free port) serving `root` (default: the
 * repository root, this file's parent's parent). Resolves to its base URL (no trailing slash) and
 * a `close()` that stops it.
 */
function startServer({ port = 0, root = path.join(__dirname, '..', '..') } = {}) {
  const base = path.resolve(root);
  const server = http.createServer(handler(base));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

module.exports = { startServer, resolveUnder, TYPES };

if (require.main === module) {
  const arg = process.argv[2];
  const port = arg === undefined ? 8080 : Number(arg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`docs/playground/server.js: port must be an integer in [0, 65535], got '${arg}'`);
    process.exit(1);
  }
  const bundle = path.join(__dirname, '..', '..', 'dist', 'lamina.mjs');
  if (!fs.existsSync(bundle)) console.warn('dist/lamina.mjs is missing: run `npm run build` first (`npm run playground` does).');
  startServer({ port }).then(
    ({ url }) => console.log(`Lamina playground: ${url}/docs/playground/index.html  (Ctrl-C stops)`),
    (err) => {
      console.error(`docs/playground/server.js: cannot listen on 127.0.0.1:${port}: ${err.message}`);
      process.exit(1);
    },
  );
}
