#!/usr/bin/env node
// gen-heap.js: build a realistic service-like heap of roughly TARGET_MB of
// heap snapshot JSON and write it with v8.writeHeapSnapshot().
//
// Usage:
//   node --max-old-space-size=16000 --expose-gc tests/bench/gen-heap.js OUT.heapsnapshot TARGET_MB
//
// Env:
//   GEN_HEAP_UNITS=N   override the computed number of units (for calibration)
//   GEN_HEAP_SEED=N    PRNG seed (default 1); output is deterministic per seed
//                      apart from ids/addresses chosen by V8 itself
//
// The heap imitates a web service: users, sessions, orders with line items,
// a product catalogue, an LRU cache, event queues (long singly linked lists),
// a category tree plus a deep chain (deep dominator tree), Maps and Sets of
// objects, closures capturing state, Buffers and typed arrays, lots of
// distinct strings (ids, urls, names, emails) with some duplication, small
// ints (Smis, not nodes) and doubles (heap numbers, which are nodes).
//
// Sizing: one "unit" is one user with its session, orders, request log and
// cache entries plus its share of the global structures (~85 nodes, ~7 KB of
// snapshot). TARGET_MB is MiB (2^20 bytes). The unit count comes from a curve
// calibrated on node v20 (see below and README.md); the file lands within a
// few percent of the target.

'use strict';

const v8 = require('v8');
const fs = require('fs');

// --- calibration (node v20.20, x64), see README.md:
//   file bytes ~= BASE_BYTES + units * (PER_UNIT + PER_UNIT_LOG * log10(units))
// The per-unit cost creeps up with scale because node ids and edge targets
// get more digits. Fitted on 1k..60k units (11..415 MiB): within 0.5%.
const BASE_BYTES = 4.87e6;       // snapshot of the node process itself
const PER_UNIT = 5919;
const PER_UNIT_LOG = 268;
function predictBytes(u) {
  return BASE_BYTES + (u > 0 ? u * (PER_UNIT + PER_UNIT_LOG * Math.log10(u)) : 0);
}
function unitsFor(bytes) {      // predictBytes is increasing: bisect
  let lo = 0, hi = 1;
  while (predictBytes(hi) < bytes) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (predictBytes(mid) < bytes) lo = mid; else hi = mid;
  }
  return hi;
}

function usage() {
  process.stderr.write('usage: node --max-old-space-size=16000 --expose-gc ' +
    'gen-heap.js OUT.heapsnapshot TARGET_MB\n');
  process.exit(2);
}

const outPath = process.argv[2];
const targetMB = Number(process.argv[3]);
if (!outPath || !(targetMB > 0)) usage();

const targetBytes = targetMB * 1024 * 1024;
const units = process.env.GEN_HEAP_UNITS
  ? Number(process.env.GEN_HEAP_UNITS)
  : Math.max(100, unitsFor(targetBytes));

const t0 = process.hrtime.bigint();
const secs = () => (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1);
const log = (msg) => process.stderr.write(`[gen-heap ${secs()}s] ${msg}\n`);

// --- deterministic PRNG (mulberry32)
let seed = (Number(process.env.GEN_HEAP_SEED || 1) >>> 0) || 1;
function rand() {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
// ms since process start: fits a Smi, so it is stored unboxed (no node).
// Epoch ms and fractional values do not: each one is a heap number node.
const tick = () => randInt(0, 1e9);

// Strings built with + longer than 12 chars are ropes ("concatenated string"
// nodes with two edges each). Real heaps have some, not a majority, so most
// strings here are built flat: Array.prototype.join returns a sequential
// string. (Number(s) flattens the content but keeps the ConsString wrapper.)
function cat() { return Array.prototype.join.call(arguments, ''); }

const HEX = '0123456789abcdef';
function hex(n) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = HEX[Math.floor(rand() * 16)];
  return a.join('');
}
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function ip() {
  return cat(randInt(10, 223), '.', randInt(0, 255), '.', randInt(0, 255), '.', randInt(1, 254));
}
function token(n) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = B62[Math.floor(rand() * 62)];
  return a.join('');
}

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hugo',
  'Ines', 'Jonas', 'Kira', 'Luis', 'Maya', 'Noah', 'Olga', 'Pedro', 'Quinn',
  'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wen', 'Xavier', 'Yuki', 'Zoe'];
const LAST = ['Smith', 'Garcia', 'Müller', 'Nguyen', 'Kowalski', 'Rossi', 'Silva',
  'Tanaka', 'Okafor', 'Johansson', 'Dubois', 'Novak', 'Ivanova', 'Cohen',
  'Fernandes', 'Schmidt', 'Andersen', 'Papadopoulos', 'Yilmaz', 'Kim'];
const WORDS = ['red', 'blue', 'steel', 'oak', 'mini', 'pro', 'ultra', 'eco',
  'classic', 'smart', 'wireless', 'organic', 'deluxe', 'compact', 'vintage',
  'lamp', 'chair', 'kettle', 'headphones', 'backpack', 'jacket', 'sneakers',
  'monitor', 'keyboard', 'bottle', 'blender', 'tent', 'drill', 'novel', 'mug'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'inbox.test'];
const STATUSES = ['new', 'paid', 'packed', 'shipped', 'delivered', 'returned', 'cancelled'];
const TAGS = ['vip', 'beta', 'newsletter', 'churn-risk', 'wholesale', 'eu', 'us',
  'apac', 'mobile', 'desktop', 'trial', 'enterprise'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148',
  'okhttp/4.12.0', 'curl/8.5.0', 'node-fetch/1.0'];
const EVENT_TYPES = ['click', 'view', 'add_to_cart', 'checkout', 'login', 'logout',
  'search', 'error', 'retry', 'timeout'];
const PATHS = ['/api/v2/orders', '/api/v2/users/me', '/api/v2/cart', '/search',
  '/checkout/confirm', '/static/app.js', '/health', '/api/v2/products'];

// --- classes -------------------------------------------------------------

class User {
  constructor(id) {
    const first = pick(FIRST), last = pick(LAST);
    this.id = cat('usr_', hex(12));                       // distinct
    this.name = cat(first, ' ', last);                   // duplicates
    this.email = cat(first.toLowerCase(), '.', last.toLowerCase(), id,
      '@', pick(DOMAINS));                                  // distinct
    this.createdAt = 1.6e12 + rand() * 1e11;                 // double
    this.age = randInt(18, 90);                              // smi
    this.profile = { id: id, name: cat('profile-', id), ts: tick() };
    this.tags = [];
    const nt = randInt(1, 4);
    for (let i = 0; i < nt; i++) this.tags.push(pick(TAGS));
    this.score = rand() * 100;
  }
}

class Session {
  constructor(user) {
    this.id = cat('sess_', token(24));
    this.user = user;
    this.token = cat('eyJhbGciOiJIUzI1NiJ9.', token(randInt(24, 48)));
    this.ip = ip();
    this.userAgent = pick(USER_AGENTS);
    this.startedAt = tick();
    this.lastSeen = { id: randInt(1, 1e6), name: pick(PATHS), ts: tick() };
    this.data = new Map();
    this.data.set('locale', pick(['en-US', 'de-DE', 'fr-FR', 'ja-JP']));
    this.data.set('cartId', cat('cart_', hex(8)));
    if (rand() < 0.5) this.data.set('ref', { id: randInt(1, 1e5), name: 'campaign', ts: tick() });
    // closure capturing session state (context + JSFunction nodes)
    const self = this;
    let hits = 0;
    this.onRequest = function onRequest(path) { hits++; self.lastSeen.name = path; return hits; };
  }
}

class Product {
  constructor(i) {
    this.sku = cat('SKU-', 100000 + i);
    const name = cat(pick(WORDS), ' ', pick(WORDS), ' ', pick(WORDS));
    this.name = name;
    this.url = cat('https://shop.example.com/p/', name.replace(/ /g, '-'), '-', i);
    this.price = Math.round(rand() * 50000) / 100 + 0.01;     // double
    this.stock = randInt(0, 500);
    this.dims = new Float64Array(3);
    this.dims[0] = rand(); this.dims[1] = rand(); this.dims[2] = rand();
  }
}

class LineItem {
  constructor(product) {
    this.product = product;
    this.sku = product.sku;                                   // shared string
    this.qty = randInt(1, 5);
    this.priceCents = Math.round(product.price * (rand() < 0.2 ? 90 : 100));
    // optional field: items with a note get a second hidden class
    if (rand() < 0.15) this.note = cat('gift wrap: ', token(randInt(5, 40)));
  }
}

class Order {
  constructor(user, products) {
    this.id = cat('ord_', hex(16));
    this.user = user;
    this.items = [];
    const n = randInt(1, 5);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const li = new LineItem(pick(products));
      total += li.priceCents * li.qty / 100;
      this.items.push(li);
    }
    this.total = total;
    this.status = pick(STATUSES);
    this.trackingId = cat('1Z', token(16));
    this.meta = { id: randInt(1, 1e9), name: cat('checkout-', hex(6)), ts: tick() };
    this.address = {
      street: cat(randInt(1, 999), ' ', pick(LAST), ' Street'),
      city: pick(['Berlin', 'Lisbon', 'Austin', 'Osaka', 'Lagos', 'Oslo', 'Lima']),
      zip: String(randInt(10000, 99999)),
    };
  }
}

class RequestRecord {
  constructor(user, u) {
    this.reqId = hex(16);
    this.method = pick(METHODS);
    this.url = cat(pick(PATHS), '?u=', u, '&p=', randInt(1, 40), rand() < 0.3 ? cat('&q=', pick(WORDS), '+', pick(WORDS)) : '');
    this.status = rand() < 0.95 ? 200 : pick([301, 404, 500, 503]);
    this.ip = ip();
    this.at = Date.now() - randInt(0, 3600000);            // epoch ms: heap number
    this.durMs = rand() * 250;                              // double
  }
}

class CacheEntry {
  constructor(key, value, ttl) {
    this.key = key;
    this.value = value;
    this.expires = Date.now() + ttl;                     // epoch ms: heap number
    this.hits = randInt(0, 1000);
    this.prev = null;
    this.next = null;
  }
}

class LRUCache {
  constructor(name) {
    this.name = name;
    this.map = new Map();
    this.head = null;
    this.tail = null;
  }
  set(key, value, ttl) {
    const e = new CacheEntry(key, value, ttl);
    this.map.set(key, e);
    if (this.tail) { this.tail.next = e; e.prev = this.tail; this.tail = e; } else { this.head = this.tail = e; }
    return e;
  }
}

class EventNode {            // singly linked queue: deep dominator chains
  constructor(seq, next) {
    this.seq = seq;
    this.type = pick(EVENT_TYPES);
    this.at = Date.now() + seq;                          // epoch ms: heap number
    this.payload = { id: seq, name: pick(PATHS), ts: tick() };
    this.next = next;
  }
}

class Category {             // tree
  constructor(name, depth) {
    this.name = name;
    this.depth = depth;
    this.children = [];
    this.products = [];
    this.parent = null;
  }
}

// --- build -------------------------------------------------------------------

const SHARDS = 64;           // keep every Map/array below ~1M entries
const app = {
  startedAt: Date.now(),
  config: { id: 1, name: 'shop-service', ts: tick() },
  products: [],
  usersById: Array.from({ length: SHARDS }, () => new Map()),
  userShards: Array.from({ length: SHARDS }, () => []),
  sessions: Array.from({ length: SHARDS }, () => new Map()),
  activeSessions: Array.from({ length: SHARDS }, () => new Set()),
  orders: Array.from({ length: SHARDS }, () => []),
  caches: [new LRUCache('users'), new LRUCache('pages'), new LRUCache('queries')],
  queues: [],
  categories: null,
  deepChain: null,
  buffers: [],
  handlers: [],
  requestLog: Array.from({ length: SHARDS }, () => []),
};
globalThis.__v8aBenchApp = app;

log(`target ${targetMB} MiB -> ${units} units (predicted ${(predictBytes(units) / 1048576).toFixed(1)} MiB)`);

// product catalogue: ~1 product per 10 users
const nProducts = Math.max(50, Math.floor(units / 10));
for (let i = 0; i < nProducts; i++) app.products.push(new Product(i));

// category tree: fan-out 4, depth up to 8, products hang off leaves
function buildTree(depth, maxDepth, name, budget) {
  const c = new Category(name, depth);
  if (depth < maxDepth && budget.n > 0) {
    for (let i = 0; i < 4 && budget.n > 0; i++) {
      budget.n--;
      const child = buildTree(depth + 1, maxDepth, cat(name, '/', pick(WORDS), i), budget);
      child.parent = c;
      c.children.push(child);
    }
  } else {
    for (let i = 0; i < 3; i++) c.products.push(pick(app.products));
  }
  return c;
}
app.categories = buildTree(0, 8, 'root', { n: Math.max(100, Math.floor(units / 20)) });

// weak collections: per-product metadata in a WeakMap (ephemeron edges in
// the snapshot), a WeakSet, and WeakRefs, as caches and observers use them
{
  const meta = new WeakMap();
  const seen = new WeakSet();
  const refs = [];
  for (let i = 0; i < app.products.length; i += 2) {
    const p = app.products[i];
    meta.set(p, { views: i, tags: [pick(WORDS)] });
    if (i % 6 === 0) seen.add(p);
    if (i % 10 === 0) refs.push(new WeakRef(p));
  }
  app.productMeta = meta;
  app.seenProducts = seen;
  app.productRefs = refs;
}

// deep chain of nested plain objects (like a long promise chain / AST)
{
  const depth = Math.min(200000, Math.max(1000, Math.floor(units / 10)));
  let node = null;
  for (let i = 0; i < depth; i++) node = { id: i, name: pick(WORDS), ts: i, child: node };
  app.deepChain = node;
}

const buf = Buffer.alloc(0);
for (let u = 0; u < units; u++) {
  const shard = u % SHARDS;
  const user = new User(u);
  app.userShards[shard].push(user);
  app.usersById[shard].set(user.id, user);

  const sess = new Session(user);
  app.sessions[shard].set(sess.id, sess);
  if (rand() < 0.3) app.activeSessions[shard].add(sess);

  const no = randInt(0, 4);
  for (let i = 0; i < no; i++) app.orders[shard].push(new Order(user, app.products));

  // LRU caches: user records, rendered page fragments, query results
  app.caches[0].set(user.id, user, 60000);
  if (rand() < 0.5) {
    const key = cat('page:', pick(PATHS), '?u=', u);
    // rendered fragment left as a rope on purpose: real heaps hold some
    app.caches[1].set(key,
      '<div class="card">' + user.name + ' ' + token(randInt(5, 40)) + '</div>', 30000);
  }
  if (rand() < 0.3) {
    const key = cat('q:', hex(10));
    const rows = [];
    const nr = randInt(1, 4);
    for (let i = 0; i < nr; i++) rows.push({ id: randInt(1, 1e6), name: pick(WORDS), ts: tick() });
    app.caches[2].set(key, rows, 10000);
  }

  // recent requests kept for diagnostics: records full of distinct leaves
  const nr = randInt(2, 6);
  for (let i = 0; i < nr; i++) app.requestLog[shard].push(new RequestRecord(user, u));

  // occasional binary data
  if (u % 50 === 0) app.buffers.push(Buffer.from(token(randInt(16, 256))));
  if (u % 200 === 0) app.buffers.push(new Uint32Array(randInt(4, 64)));
  if (u % 1000 === 0) app.buffers.push(buf.subarray(0));

  // closures registered as handlers
  if (u % 20 === 0) {
    const prefix = cat('handler-', u);
    const counter = { id: u, name: prefix, ts: tick() };
    app.handlers.push(() => { counter.ts = tick(); return prefix; });
  }

  if ((u + 1) % 20000 === 0) log(`${u + 1}/${units} units`);
}

// event queues: a few long singly linked lists (each element is dominated by
// its predecessor: dominator tree depth = list length, ~units/4 for the first)
{
  const lens = [4, 8, 16, 16].map((d) => Math.max(250, Math.floor(units / d)));
  for (let q = 0; q < lens.length; q++) {
    const len = lens[q];
    let head = null;
    for (let i = 0; i < len; i++) head = new EventNode(i, head);
    app.queues.push({ id: q, name: cat('queue-', q), ts: tick(), head });
  }
}

log('built, collecting garbage');
if (global.gc) global.gc();
const mu = process.memoryUsage();
log(`heapUsed ${(mu.heapUsed / 1048576).toFixed(0)} MiB, rss ${(mu.rss / 1048576).toFixed(0)} MiB; writing snapshot`);

v8.writeHeapSnapshot(outPath);

// --- report: size plus node/edge counts from the header only -----------------
function readHeader(path) {
  const fd = fs.openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let text = '';
    let pos = 0;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      pos += n;
      text += chunk.toString('latin1', 0, n);
      const i = text.indexOf('"nodes"');
      if (i >= 0) return text.slice(0, i);
      if (pos > 16 * 1024 * 1024) break;
    }
    throw new Error('no "nodes" key in the first 16 MiB of ' + path);
  } finally {
    fs.closeSync(fd);
  }
}
const header = readHeader(outPath);
const nodeCount = Number((/"node_count"\s*:\s*(\d+)/.exec(header) || [])[1]);
const edgeCount = Number((/"edge_count"\s*:\s*(\d+)/.exec(header) || [])[1]);
const size = fs.statSync(outPath).size;
const mib = size / 1048576;
log(`wrote ${outPath}`);
process.stderr.write(
  `file_size=${size} file_mib=${mib.toFixed(1)} node_count=${nodeCount} edge_count=${edgeCount}` +
  ` units=${units} nodes_per_kb=${(nodeCount / (size / 1024)).toFixed(2)}` +
  ` edges_per_node=${(edgeCount / nodeCount).toFixed(2)} seconds=${secs()}` +
  ` target_dev=${((size / targetBytes - 1) * 100).toFixed(1)}%\n`);
if (!process.env.GEN_HEAP_UNITS && Math.abs(size / targetBytes - 1) > 0.15) {
  process.stderr.write(`gen-heap: warning: ${mib.toFixed(1)} MiB is more than 15% off the ` +
    `${targetMB} MiB target; recalibrate PER_UNIT/PER_UNIT_LOG (README.md)\n`);
}
