#!/usr/bin/env node
// devtools-dump.js: run Chrome DevTools' own heap snapshot code on a snapshot
// and dump what it computes, for comparison with v8a (see README.md).
//
//   node devtools-dump.js SNAPSHOT OUTDIR
//
// SNAPSHOT may be gzipped (detected by its magic bytes). Writes
//   OUTDIR/nodes.tsv    id self_size retained_size dominator_id distance class
//   OUTDIR/classes.tsv  class count self_size retained_size distance key
//   OUTDIR/stats.json   DevTools' statistics object, as is
//   OUTDIR/info.json    toolkit/DevTools versions, counts, sanity sums, timings
// and prints the time taken and the peak RSS on stderr.
//
// DevTools' code comes from the npm package heap-snapshot-toolkit (Nolan
// Lawson), which bundles devtools-frontend's HeapSnapshot worker. It is looked
// for in $V8A_HST_DIR (a directory holding node_modules/heap-snapshot-toolkit),
// then in the run.sh cache directory, then through normal module resolution.
//
// Exit status: 0 ok, 2 trouble (usage, I/O, toolkit missing, parse failure).
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

const PKG = 'heap-snapshot-toolkit'
const { findToolkitDir, openSnapshotStream } = require('./devtools-common.js')

function die (msg) {
  process.stderr.write(`devtools-dump: ${msg}\n`)
  process.exit(2)
}

// ---- peak memory ---------------------------------------------------------
// process.memoryUsage().rss is sampled on a timer and at every phase mark; the
// timer cannot fire while DevTools runs long synchronous stretches, so the
// kernel's high-water mark (getrusage ru_maxrss, via resourceUsage().maxRSS,
// in KiB) is reported too: that one is the true peak.
let sampledPeak = 0
function sampleRss () {
  const rss = process.memoryUsage().rss
  if (rss > sampledPeak) sampledPeak = rss
}
const sampler = setInterval(sampleRss, 25)
sampler.unref()

const t0 = process.hrtime.bigint()
const marks = {}
function mark (name) {
  sampleRss()
  marks[name] = Number(process.hrtime.bigint() - t0) / 1e9
}

// ---- locating the toolkit --------------------------------------------------
// ---- helpers ---------------------------------------------------------------
function escapeField (s) {
  return String(s).replace(/[\\\t\n\r]/g, c =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')
}

// Buffered writer: one writeSync per ~1 MiB of text.
class Out {
  constructor (file) { this.fd = fs.openSync(file, 'w'); this.parts = []; this.len = 0 }
  write (s) {
    this.parts.push(s); this.len += s.length
    if (this.len >= 1 << 20) this.flush()
  }
  flush () {
    if (this.parts.length) fs.writeSync(this.fd, this.parts.join(''))
    this.parts = []; this.len = 0
  }
  close () { this.flush(); fs.closeSync(this.fd) }
}

// trace_function_count from the header (first 64 KiB), or 0.
async function headerTraceFunctionCount (file) {
  const stream = openSnapshotStream(file, false)
  let head = ''
  for await (const chunk of stream) {
    head += chunk
    if (head.length >= 65536 || head.includes('"nodes"')) break
  }
  stream.destroy()
  const m = head.match(/"trace_function_count"\s*:\s*(\d+)/)
  return m ? Number(m[1]) : 0
}

// ---- main ------------------------------------------------------------------
async function main () {
  const args = process.argv.slice(2)
  if (args.length !== 2 || args[0].startsWith('-')) {
    die('usage: node devtools-dump.js SNAPSHOT OUTDIR')
  }
  const [snapFile, outDir] = args
  if (!fs.existsSync(snapFile)) die(`${snapFile}: no such file`)

  const tkDir = findToolkitDir()
  if (!tkDir) die(`cannot find ${PKG}; install it (run.sh does) or set V8A_HST_DIR`)
  const tkPkg = JSON.parse(fs.readFileSync(path.join(tkDir, 'package.json'), 'utf8'))
  const bundle = path.join(tkDir, 'thirdparty', 'devtools-frontend', 'index.js')
  let devtoolsCommit = null
  try {
    const head = fs.readFileSync(bundle, 'utf8').slice(0, 400)
    const m = head.match(/devtools-frontend@([0-9a-f]+)/)
    if (m) devtoolsCommit = m[1]
  } catch { /* ignore */ }
  const toolkit = await import(pathToFileURL(path.join(tkDir, 'index.js')).href)

  fs.mkdirSync(outDir, { recursive: true })
  mark('start')

  // toolkit.parse() feeds the stream to DevTools' HeapSnapshotLoader, then
  // builds a JSHeapSnapshot with both "workers" in this thread (the second one,
  // dominators and retained sizes, talks over a MessageChannel).
  //
  // Known DevTools failure: when a snapshot taken with allocation tracking
  // has more trace_function_infos than its header's trace_function_count
  // says (node v20 does this when JS runs while the snapshot streams out),
  // the loader reads only trace_function_count infos and building the
  // allocation profile throws ("reading 'addTraceTopNode'"): DevTools cannot
  // open such a file at all. All the numbers dumped here are computed before
  // that step and do not depend on it, so we retry once with the allocation
  // traces neutralized, and say so (stderr and info.json).
  let snapshot
  let allocationProfile = 'built'
  try {
    snapshot = await toolkit.parse(openSnapshotStream(snapFile, false))
  } catch (e) {
    const tfc = await headerTraceFunctionCount(snapFile).catch(() => 0)
    if (!tfc) die(`${snapFile}: DevTools failed to load the snapshot: ${e && e.stack ? e.stack : e}`)
    const first = String(e && e.message ? e.message : e).split('\n')[0]
    process.stderr.write(`devtools-dump: warning: DevTools failed to load ${path.basename(snapFile)} (${first}); ` +
      `retrying with trace_function_count ${tfc} -> 0 (allocation profile not built)\n`)
    allocationProfile = `skipped: DevTools failed (${first}); retried with trace_function_count ${tfc} -> 0`
    try {
      snapshot = await toolkit.parse(openSnapshotStream(snapFile, true))
    } catch (e2) {
      die(`${snapFile}: DevTools failed to load the snapshot: ${e2 && e2.stack ? e2.stack : e2}`)
    }
  }
  if (allocationProfile === 'built' && !snapshot.profile?.snapshot?.trace_function_count) allocationProfile = 'none (no traces)'
  mark('parsed')

  const nodeCount = snapshot.nodeCount
  const nfc = snapshot.nodeFieldCount
  const nodes = snapshot.nodes // BigUint32Array-like: getValue(i)
  const idOff = snapshot.nodeIdOffset
  const dom = snapshot.dominatorsTree // ordinal -> dominator ordinal (root -> itself)
  const rootOrdinal = snapshot.rootNodeIndex / nfc
  const node = snapshot.createNode(0)

  // Summary view: exactly what HeapSnapshotConstructorsDataGrid asks for
  // with no filter (it skips nodes whose DevTools self size is 0).
  const aggregates = snapshot.aggregatesWithFilter({})
  const stats = snapshot.getStatistics()
  mark('analysed')

  // nodes.tsv, sorted by id.
  const ids = new Float64Array(nodeCount)
  for (let i = 0; i < nodeCount; i++) ids[i] = nodes.getValue(i * nfc + idOff)
  const order = new Uint32Array(nodeCount)
  for (let i = 0; i < nodeCount; i++) order[i] = i
  order.sort((a, b) => ids[a] - ids[b] || a - b)

  let sumSelf = 0; let unreachable = 0; let systemOnly = 0; let zeroSelf = 0
  const out = new Out(path.join(outDir, 'nodes.tsv'))
  out.write('id\tself_size\tretained_size\tdominator_id\tdistance\tclass\n')
  for (let k = 0; k < nodeCount; k++) {
    const i = order[k]
    node.nodeIndex = i * nfc
    const self = node.selfSize()
    const distance = node.distance()
    sumSelf += self
    if (self === 0) zeroSelf++
    if (distance === -5) unreachable++
    else if (distance >= 100000000) systemOnly++
    out.write(`${ids[i]}\t${self}\t${node.retainedSize()}\t${ids[dom[i]]}\t${distance}\t${escapeField(node.className())}\n`)
  }
  out.close()

  // classes.tsv, sorted by class then key.
  const rows = Object.entries(aggregates).map(([key, a]) => ({ key, ...a }))
  rows.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  const cout = new Out(path.join(outDir, 'classes.tsv'))
  cout.write('class\tcount\tself_size\tretained_size\tdistance\tkey\n')
  let aggCount = 0
  for (const a of rows) {
    aggCount += a.count
    cout.write(`${escapeField(a.name)}\t${a.count}\t${a.self}\t${a.maxRet}\t${a.distance}\t${escapeField(a.key)}\n`)
  }
  cout.close()

  fs.writeFileSync(path.join(outDir, 'stats.json'), JSON.stringify(stats, null, 2) + '\n')
  mark('written')

  const seen = new Set()
  let dupNames = 0
  for (const a of rows) { if (seen.has(a.name)) dupNames++; seen.add(a.name) }
  const extraNativeBytes = snapshot.profile?.snapshot?.extra_native_bytes ?? 0
  const peakKiB = process.resourceUsage().maxRSS
  const info = {
    snapshot: path.resolve(snapFile),
    toolkit: { name: tkPkg.name, version: tkPkg.version, dir: tkDir },
    devtools_frontend_commit: devtoolsCommit,
    node: process.version,
    node_count: nodeCount,
    edge_count: snapshot.containmentEdges.length / snapshot.edgeFieldsCount,
    root_id: ids[rootOrdinal],
    total_size: snapshot.totalSize,
    root_retained_size: snapshot.retainedSizes[rootOrdinal],
    sum_self_size: sumSelf,
    extra_native_bytes: extraNativeBytes,
    nodes_self_size_zero: zeroSelf,
    nodes_unreachable_distance_minus5: unreachable,
    nodes_system_distance_ge_1e8: systemOnly,
    summary_classes: rows.length,
    summary_duplicate_class_names: dupNames,
    summary_node_count: aggCount,
    allocation_profile: allocationProfile,
    interface_definitions: JSON.parse(snapshot.interfaceDefinitions()).length,
    seconds: { parse_analyse: marks.analysed, write: marks.written - marks.analysed },
    peak_rss_bytes: peakKiB * 1024,
    sampled_peak_rss_bytes: sampledPeak
  }
  fs.writeFileSync(path.join(outDir, 'info.json'), JSON.stringify(info, null, 2) + '\n')

  const mib = b => (b / 1048576).toFixed(1)
  process.stderr.write(
    `devtools-dump: ${path.basename(snapFile)}: ${nodeCount} nodes, ${rows.length} classes; ` +
    `parse+analyse ${marks.analysed.toFixed(2)} s (load ${marks.parsed.toFixed(2)} s), ` +
    `write ${(marks.written - marks.analysed).toFixed(2)} s; ` +
    `peak RSS ${mib(peakKiB * 1024)} MiB (sampled ${mib(sampledPeak)} MiB); ` +
    `${PKG} ${tkPkg.version}, devtools-frontend@${devtoolsCommit}\n`)
  if (sumSelf + extraNativeBytes !== stats.total) {
    process.stderr.write(`devtools-dump: note: sum(self_size) + extra_native_bytes = ${sumSelf + extraNativeBytes} != statistics total ${stats.total}\n`)
  }
}

main().then(() => process.exit(0), e => die(e && e.stack ? e.stack : String(e)))
