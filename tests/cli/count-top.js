// count-top.js - flame top's acceptance check: per-function self and total
// sample counts counted directly from a .cpuprofile's `samples`, compared
// with `flame top -f json --top 0` output.
//   node count-top.js PROFILE[.gz] TOP.json
// A function is (functionName or "(anonymous)", url, line+1, column+1) as in
// the v8a model; its total counts a sample once however often the function
// is on the sample's stack. (root) has no row. Prints "ok: N functions" and
// exits 0, or lists the differences and exits 1.
'use strict';
const fs = require('fs');
const zlib = require('zlib');

const [file, topFile] = process.argv.slice(2);
let raw = fs.readFileSync(file);
if (file.endsWith('.gz')) raw = zlib.gunzipSync(raw);
const prof = JSON.parse(raw);
const top = JSON.parse(fs.readFileSync(topFile));

const byId = new Map();
for (const n of prof.nodes) byId.set(n.id, n);
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);

const pos = (v) => (v >= 0 ? v + 1 : 0);
const keyOf = (n) => {
  const cf = n.callFrame;
  return JSON.stringify([cf.functionName || '(anonymous)', cf.url || '', pos(cf.lineNumber), pos(cf.columnNumber)]);
};
const isRoot = (n) => n.callFrame.functionName === '(root)' && !parent.has(n.id);

const self = new Map();
const total = new Map();
const add = (m, k) => m.set(k, (m.get(k) || 0) + 1);
for (const id of prof.samples) {
  const leaf = byId.get(id);
  add(self, keyOf(leaf));
  const seen = new Set();
  for (let n = leaf; n; n = byId.get(parent.get(n.id))) {
    if (isRoot(n)) continue;
    const k = keyOf(n);
    if (!seen.has(k)) {
      seen.add(k);
      add(total, k);
    }
  }
}

let bad = 0;
const rows = new Map();
for (const r of top) {
  const k = JSON.stringify([r.function, r.url || '', r.line || 0, r.column || 0]);
  if (rows.has(k)) {
    console.log(`duplicate row ${k}`);
    bad++;
  }
  rows.set(k, r);
}
for (const [k, t] of total) {
  const r = rows.get(k);
  const s = self.get(k) || 0;
  if (!r) {
    console.log(`missing ${k}: self ${s}, total ${t}`);
    bad++;
  } else if (r.self_samples !== s || r.total_samples !== t) {
    console.log(`${k}: flame top self ${r.self_samples} total ${r.total_samples}, direct self ${s} total ${t}`);
    bad++;
  }
}
for (const k of rows.keys()) {
  if (!total.has(k)) {
    console.log(`extra row ${k}`);
    bad++;
  }
}
if (bad) process.exit(1);
console.log(`ok: ${total.size} functions, ${prof.samples.length} samples`);
