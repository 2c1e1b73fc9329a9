#!/usr/bin/env node
// compare-diff.js: DevTools' Comparison view (devtools-diff.js output)
// against heapdiff's JSON, class key by class key.
//
//   node compare-diff.js DEVTOOLS.tsv HEAPDIFF.json
//
// Every DevTools row must be in heapdiff's classes with the same counts and
// sizes, and heapdiff must have no DevTools row that DevTools lacks.
// Exit status: 0 equal, 1 different, 2 trouble.
'use strict'

const fs = require('node:fs')

function die (msg) {
  process.stderr.write(`compare-diff: ${msg}\n`)
  process.exit(2)
}

function unesc (s) {
  return s.replace(/\\([\\tnr])/g, (_, c) => ({ '\\': '\\', t: '\t', n: '\n', r: '\r' })[c])
}

const [tsv, json] = process.argv.slice(2)
if (!tsv || !json) die('usage: node compare-diff.js DEVTOOLS.tsv HEAPDIFF.json')
const want = new Map()
for (const line of fs.readFileSync(tsv, 'utf8').split('\n')) {
  if (!line) continue
  const f = line.split('\t').map(unesc)
  want.set(f[0], { new: +f[1], deleted: +f[2], delta: +f[3], alloc_size: +f[4], freed_size: +f[5], size_delta: +f[6], class: f[7] })
}
let report
try { report = JSON.parse(fs.readFileSync(json, 'utf8')) } catch (e) { die(`${json}: ${e.message}`) }
const got = new Map()
for (const c of report.classes) if (c.in_devtools) got.set(c.key, c)

let bad = 0
function mismatch (msg) { if (bad++ < 20) console.log(msg) }
for (const [key, w] of want) {
  const g = got.get(key)
  if (!g) { mismatch(`missing class ${key}`); continue }
  for (const k of ['new', 'deleted', 'delta', 'alloc_size', 'freed_size', 'size_delta', 'class']) {
    if (g[k] !== w[k]) mismatch(`${key}: ${k} ${g[k]} != DevTools ${w[k]}`)
  }
}
for (const key of got.keys()) if (!want.has(key)) mismatch(`extra class ${key}`)
console.log(`comparison: ${want.size} DevTools classes, ${bad} mismatches`)
process.exit(bad ? 1 : 0)
