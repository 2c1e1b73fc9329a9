#!/usr/bin/env node
// devtools-diff.js: Chrome DevTools' own Comparison view for two snapshots,
// computed the way the DevTools UI does it (HeapSnapshotDataGrids.ts): the
// base snapshot's aggregates are computed with the *current* snapshot's
// interface definitions applied, then the current snapshot merges ids per
// class key (calculateSnapshotDiff).
//
//   node devtools-diff.js BEFORE AFTER OUT.tsv [--own-interfaces]
//
// OUT.tsv: key new deleted delta alloc_size freed_size size_delta name, one
// line per class, sorted by key. --own-interfaces applies the base's own
// definitions instead (what heap-snapshot-toolkit's diff() does).
// Exit status: 0 ok, 2 trouble.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { findToolkitDir, openSnapshotStream } = require('./devtools-common.js')

function die (msg) {
  process.stderr.write(`devtools-diff: ${msg}\n`)
  process.exit(2)
}

function esc (s) {
  return String(s).replace(/[\\\t\n\r]/g, c =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')
}

async function main () {
  const args = process.argv.slice(2).filter(a => a !== '--own-interfaces')
  const own = process.argv.includes('--own-interfaces')
  if (args.length !== 3) die('usage: node devtools-diff.js BEFORE AFTER OUT.tsv [--own-interfaces]')
  const [before, after, out] = args
  const tkDir = findToolkitDir()
  if (!tkDir) die('cannot find heap-snapshot-toolkit (run.sh installs it)')
  const toolkit = await import(pathToFileURL(path.join(tkDir, 'index.js')).href)
  const base = await toolkit.parse(openSnapshotStream(before, true))
  const cur = await toolkit.parse(openSnapshotStream(after, true))
  const defs = own ? await base.interfaceDefinitions() : await cur.interfaceDefinitions()
  const aggs = await base.aggregatesForDiff(defs)
  const diff = await cur.calculateSnapshotDiff(String(base.uid ?? 'base'), aggs)
  const rows = Object.keys(diff).sort().map(k => {
    const d = diff[k]
    return [k, d.addedCount, d.removedCount, d.countDelta, d.addedSize, d.removedSize,
      d.sizeDelta, d.name].map(esc).join('\t')
  })
  fs.writeFileSync(out, rows.join('\n') + (rows.length ? '\n' : ''))
}

main().then(() => process.exit(0), e => die(e && e.stack ? e.stack : String(e)))
