// gen-profile.js - writes a large synthetic .cpuprofile (CDP layout, as node
// --cpu-prof writes it: one line, nodes first) for benchmarks. Streams, so
// node's memory stays small whatever the size.
//   node gen-profile.js OUT.cpuprofile [MEGABYTES=200]
'use strict';
const fs = require('fs');
const [out, mbArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: node gen-profile.js OUT.cpuprofile [MEGABYTES]');
  process.exit(2);
}
const target = (Number(mbArg) || 200) * 1024 * 1024;
const fd = fs.openSync(out, 'w');
let buf = '', written = 0;
const put = (s) => {
  buf += s;
  if (buf.length > 1 << 20) { fs.writeSync(fd, buf); written += buf.length; buf = ''; }
};
let seed = 42;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };

// a tree of ~200k nodes: depth up to 60, app/package/core frames
const N = 200000;
const parent = new Int32Array(N), depth = new Int32Array(N);
const kids = Array.from({ length: N }, () => []);
parent[0] = -1;
for (let i = 1; i < N; i++) {
  let p = i < 4 ? 0 : rnd(i);
  while (depth[p] >= 60) p = parent[p];
  parent[i] = p; depth[i] = depth[p] + 1; kids[p].push(i);
}
const urls = ['file:///srv/app/server.js', 'file:///srv/app/lib/db.js', 'node:internal/timers',
  'file:///srv/app/node_modules/express/lib/router/index.js', '', 'node:fs',
  'file:///srv/app/node_modules/@scope/pkg/dist/index.js'];
put('{"nodes":[');
// pre-order, as V8 writes it
const stack = [0];
let first = true;
while (stack.length) {
  const i = stack.pop();
  const name = i === 0 ? '(root)' : i === 1 ? '(program)' : i === 2 ? '(idle)' : i === 3 ? '(garbage collector)' : 'fn' + rnd(5000);
  const url = i < 4 ? '' : urls[rnd(urls.length)];
  const line = i < 4 ? -1 : rnd(2000), col = i < 4 ? -1 : rnd(80);
  put((first ? '' : ',') + '{"id":' + (i + 1) + ',"callFrame":{"functionName":"' + name +
    '","scriptId":"' + (i < 4 ? 0 : 10 + rnd(300)) + '","url":"' + url + '","lineNumber":' + line +
    ',"columnNumber":' + col + '},"hitCount":' + rnd(50) +
    (kids[i].length ? ',"children":[' + kids[i].map((k) => k + 1).join(',') + ']' : '') +
    (i > 3 && rnd(3) === 0 ? ',"positionTicks":[{"line":' + (line + 1) + ',"ticks":' + (1 + rnd(9)) + '}]' : '') + '}');
  first = false;
  for (let k = kids[i].length - 1; k >= 0; k--) stack.push(kids[i][k]);
}
put('],"startTime":1000000,"endTime":');
// samples and timeDeltas fill the rest: ~ 7 + 5 bytes per sample
const nsamples = Math.max(1000, Math.floor((target - written - buf.length) / 12));
put(String(1000000 + nsamples * 1000) + ',"samples":[');
for (let s = 0; s < nsamples; s++) put((s ? ',' : '') + (1 + rnd(N)));
put('],"timeDeltas":[');
for (let s = 0; s < nsamples; s++) put((s ? ',' : '') + (rnd(1000) === 0 ? -3 : 900 + rnd(300)));
put(']}');
fs.writeSync(fd, buf);
fs.closeSync(fd);
console.error(`${out}: ${N} nodes, ${nsamples} samples, ${((written + buf.length) / 1048576).toFixed(1)} MiB`);
