// stall-truth.js - checks flame blocking's stretch for the timed JSON.parse
// of regress-new against the truth written by gen/regress.js.
// Usage: node stall-truth.js BLOCKING.json PROFILE.cpuprofile(.gz) TRUTH.json
//
// The truth is the timer callback, timed from inside; the stretch is the
// whole task, which also holds node's timer code around the callback
// (samples with a stack that does not reach the callback). Sampling
// places each end of the stretch within one sampling interval, so the
// stretch less those samples must equal the callback within the sampling
// interval at its boundaries (the larger of the two gaps), and the stretch
// must hold the callback's entry and exit, to that interval.
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const [blockingFile, profileFile, truthFile] = process.argv.slice(2);
const stretches = JSON.parse(fs.readFileSync(blockingFile, 'utf8'));
let raw = fs.readFileSync(profileFile);
if (profileFile.endsWith('.gz')) raw = zlib.gunzipSync(raw);
const p = JSON.parse(raw.toString('utf8'));
const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8'));

const s = stretches.find((x) => x.task.function === 'processTimers');
if (!s) { console.log('FAIL regress-stall: no processTimers stretch'); process.exit(1); }
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const times = [];
let t = p.startTime;
for (const d of p.timeDeltas) times.push((t += d));
// the stretch's first sample, by its start time (relative to the first sample)
const first = times.findIndex((x) => Math.abs(x - times[0] - s.start_ms * 1000) < 1);
const end = first + s.samples; // the sample after the stretch
if (first < 1 || end >= times.length) { console.log('FAIL regress-stall: stretch not found in the profile'); process.exit(1); }
const gap = Math.max(times[first] - times[first - 1], times[end] - times[end - 1]);
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
function inCallback(id) { // the (garbage collector) has no stack: the parse's
  if (byId.get(id).callFrame.functionName === '(garbage collector)') return true;
  for (; id !== undefined; id = parent.get(id)) if (byId.get(id).callFrame.url.endsWith('regress.js')) return true;
  return false;
}
let machinery = 0;
for (let i = first; i < end; i++) if (!inCallback(p.samples[i])) machinery += times[i + 1] - times[i];
const us = (x) => Math.round(x) + ' us';
const startErr = times[first] - truth.enter_us;
const endErr = times[end] - truth.exit_us;
const durErr = s.duration_ms * 1000 - machinery - truth.callback_ms * 1000;
console.log(`stretch ${s.duration_ms} ms (node's timer code ${us(machinery)}), callback ${truth.callback_ms} ms, ` +
  `parse ${truth.parse_ms.toFixed(3)} ms; errors: start ${us(startErr)}, end ${us(endErr)}, ` +
  `duration ${us(durErr)}; sampling interval at the boundaries ${us(gap)}`);
let bad = 0;
function fail(msg) { console.log('FAIL regress-stall: ' + msg); bad++; }
if (Math.abs(durErr) > gap) fail(`duration off by ${us(durErr)}, more than ${us(gap)}`);
// the stretch holds the callback (node's code before and after it is in it too)
if (startErr > gap) fail(`starts ${us(startErr)} after the callback's entry`);
if (endErr < -gap) fail(`ends ${us(-endErr)} before the callback's exit`);
process.exit(bad ? 1 : 0);
