// workload.js - heap snapshots of a small node service around a workload, for
// heapdiff in CI (docs/ci.md).
//
// The service is a stand-in: replace createService() with your own server
// (or require it) and round() with requests your service really serves.
//
//   node --expose-gc workload.js [OUTDIR]
//       warms up, then writes OUTDIR/before.heapsnapshot, runs the workload,
//       writes OUTDIR/after.heapsnapshot, runs it again and writes
//       OUTDIR/final.heapsnapshot (OUTDIR defaults to "heap").
//   node --heapsnapshot-signal=SIGUSR2 workload.js serve
//       only the service; prints its port. Snapshots come from kill -USR2.
//   node workload.js load PORT [N]
//       only the workload: N requests (default $REQUESTS) to 127.0.0.1:PORT.
//
// Environment: REQUESTS per round (default 2000), WARMUP requests (default
// 2000), LEAK=1 to plant a leak (to see a gate trip).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const v8 = require('node:v8');

const REQUESTS = Number(process.env.REQUESTS || 2000);
const WARMUP = Number(process.env.WARMUP || 2000);
const LEAK = process.env.LEAK === '1';
const SLOW = process.env.SLOW === '1'; // a CPU regression: docs/ci.md, "CPU"

// SLOW=1: every 500th request builds a report synchronously, blocking the
// event loop for a hundred milliseconds or so
let served = 0;
function buildReport() {
  const rows = [];
  for (let i = 0; i < 200000; i++) rows.push({ i, name: 'row' + i });
  return JSON.parse(JSON.stringify(rows)).length;
}

// ---- the service -----------------------------------------------------------

class User {
  constructor(id) {
    this.id = id;
    this.name = 'user-' + id;
    this.roles = id % 7 === 0 ? ['admin', 'user'] : ['user'];
  }
}

// A bounded cache: it fills during the warm-up and then only turns over, so
// it is not growth.
class LruCache {
  constructor(max) {
    this.max = max;
    this.map = new Map();
  }
  get(key, make) {
    let v = this.map.get(key);
    if (v === undefined) v = make(key);
    else this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
    return v;
  }
}

function createService() {
  const users = new LruCache(200);
  const requestLog = []; // the last 100 requests; all of them with LEAK=1
  return http.createServer((req, res) => {
    const m = /^\/users\/(\d+)$/.exec(req.url);
    if (!m) {
      res.writeHead(req.url === '/health' ? 200 : 404).end();
      return;
    }
    if (SLOW && ++served % 500 === 0) buildReport();
    const user = users.get(Number(m[1]), (id) => new User(id));
    requestLog.push({ url: req.url, at: Date.now(), agent: req.headers['user-agent'] });
    if (!LEAK && requestLog.length > 100) requestLog.shift();
    const body = JSON.stringify(user);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
}

// ---- the workload ----------------------------------------------------------

// n GET requests, 16 at a time, on keep-alive connections that are closed
// at the end so that no socket is open when a snapshot is written.
async function round(port, n, seed) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const get = (i) =>
    new Promise((resolve, reject) => {
      const id = (seed * 7919 + i * 31) % 1000;
      http
        .get({ host: '127.0.0.1', port, path: '/users/' + id, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  let next = 0;
  const worker = async () => {
    while (next < n) await get(next++);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  agent.destroy();
}

// Lets pending callbacks and closed sockets settle, collects garbage, then
// writes the snapshot (V8 also collects garbage itself before writing one).
async function snapshot(file) {
  await new Promise((r) => setTimeout(r, 50));
  global.gc();
  await new Promise((r) => setImmediate(r));
  global.gc();
  v8.writeHeapSnapshot(file);
  console.error('workload.js: wrote ' + file);
}

async function snapshots(outdir) {
  if (typeof global.gc !== 'function') {
    console.error('workload.js: run with node --expose-gc');
    process.exit(2);
  }
  fs.mkdirSync(outdir, { recursive: true });
  console.error('workload.js: warming up'); // console's stream is made on first use
  const server = createService();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  await round(port, WARMUP, 0); // JIT, lazy modules, caches filled once
  server.closeIdleConnections();
  await snapshot(path.join(outdir, 'before.heapsnapshot'));
  await round(port, REQUESTS, 1);
  server.closeIdleConnections();
  await snapshot(path.join(outdir, 'after.heapsnapshot'));
  await round(port, REQUESTS, 2);
  server.closeIdleConnections();
  await snapshot(path.join(outdir, 'final.heapsnapshot'));
  server.close();
}

async function main() {
  const [mode, arg, n] = process.argv.slice(2);
  if (mode === 'serve') {
    const server = createService();
    server.listen(Number(process.env.PORT || 0), '127.0.0.1', () =>
      console.log(server.address().port)
    );
  } else if (mode === 'cpu') {
    // under node --cpu-prof: warm up, serve REQUESTS requests, exit (the
    // profile is written at exit); docs/ci.md, "CPU"
    const server = createService();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    await round(server.address().port, WARMUP, 0);
    await round(server.address().port, REQUESTS, 1);
    server.closeIdleConnections();
    server.close();
  } else if (mode === 'load') {
    await round(Number(arg), Number(n || REQUESTS), Date.now() % 1000);
  } else {
    await snapshots(mode || 'heap');
  }
}

main().catch((e) => {
  console.error('workload.js: ' + (e && e.stack ? e.stack : e));
  process.exit(2);
});
