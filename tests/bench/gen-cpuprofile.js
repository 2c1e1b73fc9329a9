// gen-cpuprofile.js - a large synthetic .cpuprofile for the render benchmark.
// usage: node gen-cpuprofile.js NODES SAMPLES OUT.cpuprofile
// A seeded random call tree (app files, node_modules packages, node: core,
// the usual (root)/(program)/(idle)/(garbage collector) nodes) and samples
// drawn with a skew toward a few hot stacks, 1 ms apart with jitter. The
// same arguments always give the same file. Output goes where you say
// (the bench script uses /tmp); never commit it.
'use strict';
const fs = require('fs');
const [nNodes, nSamples, out] = [+process.argv[2] || 120000, +process.argv[3] || 1000000, process.argv[4]];
if (!out) { console.error('usage: node gen-cpuprofile.js NODES SAMPLES OUT'); process.exit(2); }

let seed = 0x2545f491;
function rnd() { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 4294967296; }
const pick = (n) => Math.floor(rnd() * n);

const files = [];
for (let i = 0; i < 200; i++) files.push(`file:///srv/app/src/mod${i}.js`);
for (let i = 0; i < 80; i++) for (let j = 0; j < 4; j++) files.push(`file:///srv/app/node_modules/pkg-${i}/lib/f${j}.js`);
for (let i = 0; i < 40; i++) files.push(`node:internal/mod${i}`);
const fnames = [];
for (let i = 0; i < 6000; i++) fnames.push(i % 17 === 0 ? '' : `fn${i.toString(36)}${i % 5 ? '' : '_withALongerDescriptiveName'}`);
const funcs = []; // [name, url, line, col]
for (let i = 0; i < 8000; i++) funcs.push([fnames[pick(fnames.length)], files[pick(files.length)], pick(2000), pick(80)]);

const nodes = [{ id: 1, cf: ['(root)', '', -1, -1], parent: 0, depth: 0, children: [] }];
function add(parent, cf) {
  const n = { id: nodes.length + 1, cf, parent, depth: nodes[parent - 1].depth + 1, children: [] };
  nodes.push(n);
  nodes[parent - 1].children.push(n.id);
  return n.id;
}
const program = add(1, ['(program)', '', -1, -1]);
const idle = add(1, ['(idle)', '', -1, -1]);
const gc = add(1, ['(garbage collector)', '', -1, -1]);
const tops = [];
for (let i = 0; i < 12; i++) tops.push(add(1, funcs[pick(funcs.length)]));
while (nodes.length < nNodes) {
  // grow from a random existing node, preferring recent ones (deep chains) and capping depth
  let p = rnd() < 0.6 ? nodes.length - pick(Math.min(50, nodes.length - 4)) : 4 + pick(nodes.length - 4);
  if (p < 4 || nodes[p - 1].depth > 70) p = tops[pick(tops.length)];
  add(p, funcs[pick(funcs.length)]);
}
// samples: skewed toward a hot subset of nodes
const hot = [];
for (let i = 0; i < 400; i++) hot.push(4 + pick(nodes.length - 4));
const samples = new Array(nSamples), deltas = new Array(nSamples), hits = new Array(nodes.length + 1).fill(0);
// Consecutive samples mostly stay on or near the previous stack (a call
// running on, returning, calling deeper), as in real profiles, so the flame
// chart has spans wider than one sample.
let prev = hot[0];
for (let i = 0; i < nSamples; i++) {
  const r = rnd();
  let id;
  if (r < 0.6) id = prev;
  else if (r < 0.8 && prev > 3 && nodes[prev - 1].parent > 1) id = nodes[prev - 1].parent;
  else if (r < 0.998 && prev > 3 && nodes[prev - 1].children.length) id = nodes[prev - 1].children[pick(nodes[prev - 1].children.length)];
  else {
    const q = rnd();
    id = q < 0.3 ? idle : q < 0.34 ? gc : q < 0.38 ? program : q < 0.75 ? hot[pick(hot.length)] : 4 + pick(nodes.length - 4);
  }
  prev = id;
  samples[i] = id;
  hits[id]++;
  deltas[i] = 900 + pick(200);
}
const fd = fs.openSync(out, 'w');
fs.writeSync(fd, '{"nodes":[');
let buf = [];
for (let i = 0; i < nodes.length; i++) {
  const n = nodes[i];
  const cf = `{"functionName":${JSON.stringify(n.cf[0])},"scriptId":"${n.cf[1] ? 1 + files.indexOf(n.cf[1]) : 0}","url":${JSON.stringify(n.cf[1])},"lineNumber":${n.cf[2]},"columnNumber":${n.cf[3]}}`;
  buf.push(`{"id":${n.id},"callFrame":${cf},"hitCount":${hits[n.id]}${n.children.length ? ',"children":[' + n.children.join(',') + ']' : ''}}`);
  if (buf.length === 10000) { fs.writeSync(fd, (i >= 10000 ? ',' : '') + buf.join(',')); buf = []; }
}
if (buf.length) fs.writeSync(fd, (nodes.length > buf.length ? ',' : '') + buf.join(','));
const start = 1000000;
let end = start;
for (const d of deltas) end += d;
fs.writeSync(fd, `],"startTime":${start},"endTime":${end},"samples":[`);
for (let i = 0; i < nSamples; i += 100000) fs.writeSync(fd, (i ? ',' : '') + samples.slice(i, i + 100000).join(','));
fs.writeSync(fd, '],"timeDeltas":[');
for (let i = 0; i < nSamples; i += 100000) fs.writeSync(fd, (i ? ',' : '') + deltas.slice(i, i + 100000).join(','));
fs.writeSync(fd, ']}\n');
fs.closeSync(fd);
console.error(`${out}: ${nodes.length} nodes, ${nSamples} samples`);
