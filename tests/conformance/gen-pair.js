#!/usr/bin/env node
// gen-pair.js: two heap snapshots of one node process, for the Comparison
// conformance test: the second after a workload that leaks plain objects of
// several shapes (so interface names change between the two), class
// instances, closures, Map entries, arrays, strings and Buffers, and frees
// some of what the first snapshot held.
//
//   node --expose-gc gen-pair.js BEFORE AFTER [SCALE]
'use strict'
const v8 = require('node:v8')
const [before, after, scaleArg] = process.argv.slice(2)
if (!before || !after) {
  process.stderr.write('usage: node --expose-gc gen-pair.js BEFORE AFTER [SCALE]\n')
  process.exit(2)
}
const scale = Number(scaleArg || 1)
class Session { constructor (id) { this.id = id; this.opened = Date.now() } }
class Job { constructor (n) { this.n = n; this.steps = [n, n + 1] } }
global.keep = { sessions: new Map(), jobs: [], shapes: [], temp: [] }
for (let i = 0; i < 300 * scale; i++) global.keep.sessions.set('s' + i, new Session(i))
for (let i = 0; i < 200 * scale; i++) global.keep.temp.push({ a: i, b: String(i) })
for (let i = 0; i < 50; i++) global.keep.shapes.push({ rare: i, shape: 'x' + i })
if (global.gc) global.gc()
v8.writeHeapSnapshot(before)

global.keep.temp = null // freed
for (let i = 0; i < 300 * scale; i++) global.keep.sessions.delete('s' + (i * 2))
for (let i = 0; i < 1000 * scale; i++) global.keep.jobs.push(new Job(i))
// the rare shape becomes popular: its objects change class key between snapshots
for (let i = 0; i < 2000 * scale; i++) global.keep.shapes.push({ rare: i, shape: 'y' + i })
for (let i = 0; i < 500 * scale; i++) global.keep.shapes.push({ url: '/p/' + i, status: 200, ms: i % 97 })
global.keep.fns = Array.from({ length: 100 * scale }, (_, i) => () => i)
global.keep.bufs = Array.from({ length: 50 * scale }, (_, i) => Buffer.alloc(1024 + i))
if (global.gc) global.gc()
v8.writeHeapSnapshot(after)
