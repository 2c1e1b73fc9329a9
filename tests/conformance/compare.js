#!/usr/bin/env node
// compare.js: compare what DevTools computed (devtools-dump.js TSV) with what
// v8a computed (heapsnap ... -f csv), column by column. See README.md.
//
//   node compare.js nodes   DEVTOOLS_NODES_TSV   OURS_NODES_CSV   [options]
//   node compare.js classes DEVTOOLS_CLASSES_TSV OURS_CLASSES_CSV [options]
//
// Options:
//   --normalized DIR  also write DIR/KIND.devtools.tsv and DIR/KIND.ours.tsv:
//                     both sides in one canonical layout, sorted, so that
//                     `diff` shows every difference
//   --max-rows N      how many mismatching rows to print (default 20)
//   --label TEXT      prefix for the report lines (default KIND)
//
// Either file may be TSV (a header line, tab-separated, \\ \t \n \r escaped,
// as devtools-dump.js writes) or CSV (RFC 4180, as heapsnap -f csv writes);
// the format is taken from the extension (.csv -> CSV, else TSV). Columns
// are found by name in the header, so their order does not matter; v8a's
// names (shallow_size) and DevTools' (self_size) are both accepted.
//
// Exit status: 0 everything matches, 1 mismatches (including rows present on
// one side only), 2 trouble (usage, unreadable file, missing column, bad CSV).
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { StringDecoder } = require('node:string_decoder')

class Trouble extends Error {}

// ---- column sets -----------------------------------------------------------
// name -> accepted header names (first is canonical). type: num | str.
const KINDS = {
  nodes: {
    key: 'id',
    cols: [
      { name: 'id', aliases: ['id'], type: 'num' },
      { name: 'self_size', aliases: ['self_size', 'shallow_size'], type: 'num' },
      { name: 'retained_size', aliases: ['retained_size'], type: 'num' },
      { name: 'dominator_id', aliases: ['dominator_id', 'dominator'], type: 'num' },
      { name: 'distance', aliases: ['distance'], type: 'num' },
      { name: 'class', aliases: ['class', 'class_name'], type: 'str' }
    ]
  },
  classes: {
    key: 'class',
    cols: [
      { name: 'class', aliases: ['class', 'class_name', 'name'], type: 'str' },
      { name: 'count', aliases: ['count'], type: 'num' },
      { name: 'self_size', aliases: ['self_size', 'shallow_size'], type: 'num' },
      { name: 'retained_size', aliases: ['retained_size', 'max_retained_size'], type: 'num' },
      { name: 'distance', aliases: ['distance'], type: 'num' }
    ]
  }
}

// ---- readers ---------------------------------------------------------------
// Both call onRow(fieldsArray) for every record, header included.

function unescapeTsv (s) {
  if (s.indexOf('\\') === -1) return s
  return s.replace(/\\(.)/g, (_, c) => c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c)
}

function readChunks (file, onText) {
  let fd
  try { fd = fs.openSync(file, 'r') } catch (e) { throw new Trouble(`${file}: ${e.message}`) }
  const buf = Buffer.allocUnsafe(1 << 20)
  const dec = new StringDecoder('utf8')
  let first = true
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      let text = dec.write(buf.subarray(0, n))
      if (first) { if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); first = false }
      onText(text)
    }
    const rest = dec.end()
    if (rest) onText(rest)
  } finally { fs.closeSync(fd) }
}

function readTsv (file, onRow) {
  let carry = ''
  readChunks(file, text => {
    text = carry + text
    let start = 0
    for (;;) {
      const nl = text.indexOf('\n', start)
      if (nl === -1) break
      let line = text.slice(start, nl)
      if (line.endsWith('\r')) line = line.slice(0, -1)
      onRow(line.split('\t').map(unescapeTsv))
      start = nl + 1
    }
    carry = text.slice(start)
  })
  if (carry.length) onRow(carry.replace(/\r$/, '').split('\t').map(unescapeTsv))
}

// RFC 4180: fields separated by commas, records by CRLF or LF; a field may be
// quoted with "...", inside which "" is a quote and commas/newlines are data.
function readCsv (file, onRow) {
  let fields = []
  let field = ''
  let state = 0 // 0 start of field, 1 unquoted, 2 quoted, 3 quote seen inside quoted
  let line = 1
  let pendingCR = false
  const endRecord = () => { fields.push(field); onRow(fields); fields = []; field = ''; state = 0 }
  readChunks(file, text => {
    const n = text.length
    let i = 0
    while (i < n) {
      const c = text.charCodeAt(i)
      if (pendingCR) {
        pendingCR = false
        if (c === 10) { i++; continue } // CRLF already ended the record
      }
      if (state === 2) {
        // fast path: copy up to the next quote
        const q = text.indexOf('"', i)
        if (q === -1) { field += text.slice(i); for (let k = i; k < n; k++) if (text.charCodeAt(k) === 10) line++; i = n; continue }
        for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) line++
        field += text.slice(i, q); i = q + 1; state = 3; continue
      }
      if (state === 3) {
        if (c === 34) { field += '"'; state = 2; i++; continue }
        state = 1 // closing quote; must be followed by , or end of record
        if (c !== 44 && c !== 10 && c !== 13) throw new Trouble(`${file}:${line}: bad CSV: data after closing quote`)
        continue
      }
      if (c === 44) { fields.push(field); field = ''; state = 0; i++; continue }
      if (c === 10 || c === 13) { endRecord(); line++; if (c === 13) pendingCR = true; i++; continue }
      if (c === 34) {
        if (state === 0) { state = 2; i++; continue }
        throw new Trouble(`${file}:${line}: bad CSV: quote inside unquoted field`)
      }
      // unquoted run: copy up to the next special character
      let j = i + 1
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === 44 || d === 10 || d === 13 || d === 34) break
        j++
      }
      field += text.slice(i, j); state = 1; i = j
    }
  })
  if (state === 2) throw new Trouble(`${file}:${line}: bad CSV: unterminated quoted field`)
  if (state !== 0 || fields.length) endRecord()
}

// ---- tables ----------------------------------------------------------------
class Grow {
  constructor () { this.a = new Float64Array(1024); this.n = 0 }
  push (v) {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b }
    this.a[this.n++] = v
  }
}

// Numbers: empty / NULL -> the NULL sentinel; anything non-numeric is kept
// as a string in `bad` so it shows up as a mismatch, never silently equal.
const NULL = -0.5 // never a legal value for any column compared here
function parseNum (s, bad, row, col) {
  const t = s.trim()
  if (t === '' || t === 'NULL' || t === 'null') return NULL
  const v = Number(t)
  if (Number.isNaN(v)) { bad.set(`${row}:${col}`, s); return NaN }
  return v
}

function loadTable (file, kind, side) {
  const spec = KINDS[kind]
  const reader = /\.csv$/i.test(file) ? readCsv : readTsv
  const num = spec.cols.map(c => c.type === 'num' ? new Grow() : null)
  const str = spec.cols.map(c => c.type === 'str' ? [] : null)
  const intern = new Map()
  const bad = new Map()
  let map = null
  let rows = 0
  reader(file, fields => {
    if (map === null) {
      const hdr = fields.map(f => f.trim().toLowerCase())
      map = spec.cols.map(c => {
        const idx = hdr.findIndex(h => c.aliases.includes(h))
        if (idx === -1) throw new Trouble(`${file}: ${side}: no column ${c.aliases.join('/')} in header: ${fields.join(',')}`)
        return idx
      })
      return
    }
    if (fields.length === 1 && fields[0] === '') return // blank line
    spec.cols.forEach((c, k) => {
      const f = fields[map[k]]
      if (f === undefined) throw new Trouble(`${file}: ${side}: row ${rows + 2} has ${fields.length} fields`)
      if (c.type === 'num') num[k].push(parseNum(f, bad, rows, k))
      else {
        let s = intern.get(f)
        if (s === undefined) { s = f; intern.set(f, s) }
        str[k].push(s)
      }
    })
    rows++
  })
  if (map === null) throw new Trouble(`${file}: ${side}: empty (no header)`)
  const cols = spec.cols.map((c, k) => c.type === 'num' ? num[k].a.subarray(0, num[k].n) : str[k])
  return { file, side, rows, cols, bad }
}

function cellText (t, k, r) {
  const v = t.cols[k][r]
  if (typeof v === 'string') return v
  if (v === NULL) return ''
  if (Number.isNaN(v)) return t.bad.get(`${r}:${k}`) ?? 'NaN'
  return String(v)
}

function cellEqual (a, ka, ra, b, kb, rb) {
  const x = a.cols[ka][ra]; const y = b.cols[kb][rb]
  if (typeof x === 'string') return x === y
  if (Number.isNaN(x) || Number.isNaN(y)) return false
  return x === y
}

function show (s) {
  return /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(s) ? s : JSON.stringify(s)
}

function tsvField (s) {
  return s.replace(/[\\\t\n\r]/g, c => c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')
}

// ---- pairing ---------------------------------------------------------------
// Returns sorted row orders for both sides plus a labeller.
function sortedOrder (t, kind) {
  const n = t.rows
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  if (kind === 'nodes') {
    const id = t.cols[0]
    order.sort((a, b) => id[a] - id[b] || a - b)
  } else {
    // By class, then by the numeric columns: DevTools can show several rows
    // with the same class name (objects of same-named constructors from
    // different script locations are separate classes), so rows sharing a
    // name are paired in this order.
    const cls = t.cols[0]
    order.sort((a, b) => {
      if (cls[a] !== cls[b]) return cls[a] < cls[b] ? -1 : 1
      for (let k = 1; k < t.cols.length; k++) {
        const d = t.cols[k][a] - t.cols[k][b]
        if (d) return d
      }
      return a - b
    })
  }
  return order
}

function keyCompare (kind, a, ra, b, rb) {
  const x = a.cols[0][ra]; const y = b.cols[0][rb]
  if (kind === 'nodes') return x - y
  return x < y ? -1 : x > y ? 1 : 0
}

// ---- main ------------------------------------------------------------------
function main () {
  const argv = process.argv.slice(2)
  const pos = []
  const opt = { maxRows: 20, normalized: null, label: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--normalized') opt.normalized = argv[++i]
    else if (a === '--max-rows') opt.maxRows = Number(argv[++i])
    else if (a === '--label') opt.label = argv[++i]
    else if (a.startsWith('--')) throw new Trouble(`unknown option ${a}`)
    else pos.push(a)
  }
  if (pos.length !== 3 || !KINDS[pos[0]] || !(opt.maxRows >= 0)) {
    throw new Trouble('usage: node compare.js nodes|classes DEVTOOLS_FILE OURS_FILE [--normalized DIR] [--max-rows N] [--label TEXT]')
  }
  const [kind, dtFile, ourFile] = pos
  const label = opt.label || kind
  const spec = KINDS[kind]
  const dt = loadTable(dtFile, kind, 'devtools')
  const us = loadTable(ourFile, kind, 'ours')
  const od = sortedOrder(dt, kind)
  const ou = sortedOrder(us, kind)

  if (opt.normalized) {
    fs.mkdirSync(opt.normalized, { recursive: true })
    for (const [t, o] of [[dt, od], [us, ou]]) {
      const lines = [spec.cols.map(c => c.name).join('\t')]
      for (let i = 0; i < t.rows; i++) {
        lines.push(spec.cols.map((_, k) => tsvField(cellText(t, k, o[i]))).join('\t'))
      }
      fs.writeFileSync(path.join(opt.normalized, `${kind}.${t.side}.tsv`), lines.join('\n') + '\n')
    }
  }

  const ncol = spec.cols.length
  const mism = new Array(ncol).fill(0)
  const examples = []
  let compared = 0; let onlyDt = 0; let onlyUs = 0; let dupDt = 0; let dupUs = 0; let badRows = 0
  const keyText = (t, r) => kind === 'nodes' ? `@${cellText(t, 0, r)}` : show(cellText(t, 0, r))
  const example = (s) => { if (examples.length < opt.maxRows) examples.push(s) }

  // duplicate keys (nodes only: ids must be unique)
  if (kind === 'nodes') {
    for (const [t, o, inc] of [[dt, od, () => dupDt++], [us, ou, () => dupUs++]]) {
      for (let i = 1; i < t.rows; i++) {
        if (t.cols[0][o[i]] === t.cols[0][o[i - 1]]) { inc(); example(`${t.side}: duplicate id ${keyText(t, o[i])}`) }
      }
    }
  }

  let i = 0; let j = 0
  while (i < dt.rows || j < us.rows) {
    const c = i >= dt.rows ? 1 : j >= us.rows ? -1 : keyCompare(kind, dt, od[i], us, ou[j])
    if (c < 0) { onlyDt++; example(`${keyText(dt, od[i])}: only in devtools: ${spec.cols.map((_, k) => show(cellText(dt, k, od[i]))).join(' | ')}`); i++; continue }
    if (c > 0) { onlyUs++; example(`${keyText(us, ou[j])}: only in ours: ${spec.cols.map((_, k) => show(cellText(us, k, ou[j]))).join(' | ')}`); j++; continue }
    const ra = od[i]; const rb = ou[j]
    compared++
    const diffs = []
    for (let k = 1; k < ncol; k++) {
      if (!cellEqual(dt, k, ra, us, k, rb)) {
        mism[k]++
        diffs.push(`${spec.cols[k].name} devtools=${show(cellText(dt, k, ra))} ours=${show(cellText(us, k, rb))}`)
      }
    }
    if (diffs.length) { badRows++; example(`${keyText(dt, ra)}: ${diffs.join('; ')}`) }
    i++; j++
  }

  const out = []
  out.push(`${label}: compared ${compared} ${kind === 'nodes' ? 'nodes (by id)' : 'classes (by name)'}; ` +
    `devtools rows ${dt.rows}, ours rows ${us.rows}; only in devtools ${onlyDt}, only in ours ${onlyUs}` +
    (kind === 'nodes' ? `; duplicate ids devtools ${dupDt}, ours ${dupUs}` : ''))
  out.push(`${label}: mismatching rows ${badRows}; per column: ` +
    spec.cols.slice(1).map((c, k) => `${c.name} ${mism[k + 1]}`).join(', '))
  const failed = badRows + onlyDt + onlyUs + dupDt + dupUs
  if (failed) {
    out.push(`${label}: first ${examples.length} mismatches:`)
    for (const e of examples) out.push(`  ${e}`)
    out.push(`${label}: MISMATCH`)
  } else {
    out.push(`${label}: OK`)
  }
  process.stdout.write(out.join('\n') + '\n')
  return failed ? 1 : 0
}

try {
  process.exitCode = main()
} catch (e) {
  process.stderr.write(`compare.js: ${e instanceof Trouble ? e.message : (e && e.stack) || e}\n`)
  process.exitCode = 2
}
