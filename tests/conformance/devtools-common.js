// devtools-common.js: what the DevTools conformance scripts share: finding
// the heap-snapshot-toolkit install and opening a (maybe gzipped) snapshot
// as a UTF-8 stream.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const os = require('node:os')

const PKG = 'heap-snapshot-toolkit'

function cacheDir () {
  if (process.env.V8A_CONFORMANCE_DIR) return process.env.V8A_CONFORMANCE_DIR
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(xdg, 'v8a', 'conformance')
}

function findToolkitDir () {
  const roots = []
  if (process.env.V8A_HST_DIR) roots.push(process.env.V8A_HST_DIR)
  const cache = cacheDir()
  roots.push(cache)
  // run.sh installs into CACHE/hst-VERSION; take any such directory.
  try {
    for (const d of fs.readdirSync(cache).filter(d => d.startsWith('hst-')).sort().reverse()) {
      roots.push(path.join(cache, d))
    }
  } catch { /* no cache yet */ }
  for (const r of roots) {
    const dir = path.join(r, 'node_modules', PKG)
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
  }
  try {
    return path.dirname(require.resolve(`${PKG}/package.json`))
  } catch { /* fall through */ }
  return null
}

// With neutralizeTraces, the header's "trace_function_count" is rewritten to 0
// so DevTools neither parses trace_function_infos/trace_tree nor builds its
// allocation profile (used by the Allocation views only; nothing dumped here
// depends on it). See the retry in main().
function zeroTraceFunctionCount () {
  const { Transform } = require('node:stream')
  let head = ''; let done = false
  const t = new Transform({
    decodeStrings: false,
    transform (chunk, _enc, cb) {
      if (done) return cb(null, chunk)
      head += chunk
      const m = head.match(/("trace_function_count"\s*:\s*)\d+/)
      if (m || head.includes('"nodes"') || head.length > (1 << 20)) {
        if (m) head = head.replace(m[0], m[1] + '0')
        done = true
        const out = head; head = ''
        return cb(null, out)
      }
      cb()
    },
    flush (cb) { cb(null, head || undefined) }
  })
  t.setEncoding('utf8')
  return t
}

function openSnapshotStream (file, neutralizeTraces) {
  const fd = fs.openSync(file, 'r')
  const magic = Buffer.alloc(2)
  const n = fs.readSync(fd, magic, 0, 2, 0)
  fs.closeSync(fd)
  const src = fs.createReadStream(file)
  let stream = src
  if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    const gunzip = zlib.createGunzip()
    src.on('error', e => gunzip.destroy(e))
    stream = src.pipe(gunzip)
  }
  // StringDecoder-backed: multi-byte UTF-8 split across chunks is handled.
  stream.setEncoding('utf8')
  if (neutralizeTraces) {
    const t = zeroTraceFunctionCount()
    stream.on('error', e => t.destroy(e))
    stream = stream.pipe(t)
  }
  return stream
}

module.exports = { findToolkitDir, openSnapshotStream }
