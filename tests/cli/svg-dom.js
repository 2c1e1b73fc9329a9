// svg-dom.js - runs the script embedded in a flame SVG against a minimal fake
// DOM (no browser on CI) and checks search, "Matched" and zoom numbers
// against values computed here from the fg: attributes.
// Usage: node svg-dom.js FILE.svg REGEX
'use strict';
const fs = require('fs');
const [file, pattern] = process.argv.slice(2);
const svg = fs.readFileSync(file, 'utf8');

function el(tag, attrs) {
  return {
    tag, attrs: Object.assign({}, attrs), children: [], textContent: '', listeners: {},
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
    setAttribute(k, v) { this.attrs[k] = String(v); },
    removeAttribute(k) { delete this.attrs[k]; },
    getElementsByTagName(t) { return this.children.filter((c) => c.tag === t); },
    appendChild(c) { c.parentNode = this; this.children.push(c); },
    addEventListener(ev, f) { this.listeners[ev] = f; },
  };
}
function attrs(s) {
  const a = {};
  for (const m of s.matchAll(/([\w:-]+)="([^"]*)"/g)) a[m[1]] = m[2];
  return a;
}
const unesc = (s) => s.replace(/&#10;/g, '\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const frames = el('g', {});
const framesSrc = svg.slice(svg.indexOf('<g id="frames">'), svg.indexOf('</g>\n<text id="details"'));
for (const m of framesSrc.matchAll(/<g (fg:[^>]*)><title>([^<]*)<\/title><rect ([^>]*)\/>(?:<text ([^>]*)>([^<]*)<\/text>)?<\/g>/g)) {
  const g = el('g', attrs(m[1]));
  const t = el('title', {}); t.textContent = unesc(m[2]); g.appendChild(t);
  g.appendChild(el('rect', attrs(m[3])));
  if (m[4] !== undefined) { const x = el('text', attrs(m[4])); x.textContent = unesc(m[5]); g.appendChild(x); }
  frames.appendChild(g);
}
const ids = { frames, details: el('text', {}), matched: el('text', {}), unzoom: el('text', {}), search: el('text', {}) };
const winListeners = {};
global.document = { getElementById: (id) => ids[id], createElementNS: (ns, t) => el(t, {}) };
global.window = { addEventListener: (ev, f) => { winListeners[ev] = f; } };
let answer = pattern;
global.prompt = () => answer;
global.alert = (m) => { throw new Error('alert: ' + m); };

const total = +attrs(svg.slice(0, svg.indexOf('>', svg.indexOf('<svg'))))['fg:total'];
const script = svg.slice(svg.indexOf('<![CDATA[') + 9, svg.indexOf(']]>'));
eval(script); // eslint-disable-line no-eval

let fails = 0;
function check(what, got, want) {
  if (got !== want) { console.log(`FAIL ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); fails++; }
}
const F = frames.children.map((g) => ({ g, x: +g.attrs['fg:x'], w: +g.attrs['fg:w'],
  n: g.children[0].textContent.split('\n')[0], u: g.children[0].textContent.split('\n')[1] || '' }));
const re = new RegExp(pattern);
function union(lo, hi) {
  const iv = F.filter((f) => re.test(f.n) || (f.u && re.test(f.u))).map((f) => [Math.max(f.x, lo), Math.min(f.x + f.w, hi)])
    .filter((a) => a[1] > a[0]).sort((a, b) => a[0] - b[0]);
  let sum = 0, s = 0, e = -1;
  for (const [a, b] of iv) { if (a >= e) { sum += Math.max(0, e - s); s = a; e = b; } else if (b > e) e = b; }
  return sum + Math.max(0, e - s);
}
const pct = (v, t) => (t > 0 ? (100 * v / t).toFixed(2) + '%' : '-');

// search through the keyboard hook
let prevented = false;
winListeners.keydown({ key: 'f', ctrlKey: true, preventDefault() { prevented = true; } });
check('ctrl-f handled', prevented, true);
const matched = F.filter((f) => f.g.attrs.class === 'm').length;
check('frames marked', matched > 0, true);
check('matched text', ids.matched.textContent, 'Matched: ' + pct(union(0, total), total));

// zoom into the widest matched frame that is not the root
const target = F.filter((f) => f.g.attrs.class === 'm' && f.w < total).sort((a, b) => b.w - a.w)[0];
if (target) {
  frames.listeners.click({ target: target.g.children[1] });
  check('unzoom shown', ids.unzoom.attrs.class, 'b');
  check('zoomed frame full width', target.g.children[1].attrs.width, (+svgAttr('pw')).toFixed(2));
  check('matched after zoom', ids.matched.textContent,
    'Matched: ' + pct(union(0, total), total) + ' of all, ' + pct(union(target.x, target.x + target.w), target.w) + ' of zoom');
  frames.listeners.mouseover({ target: target.g.children[1] });
  check('details mention zoom', /of zoom/.test(ids.details.textContent), true);
  const hidden = F.filter((f) => /\bh\b/.test(f.g.attrs.class || '')).length;
  check('something hidden or all inside', hidden >= 0, true);
  ids.unzoom.listeners.click({});
  check('unzoom hidden', ids.unzoom.attrs.class, 'b h');
}
// reset search
ids.search.listeners.click({});
check('search reset', F.filter((f) => f.g.attrs.class === 'm').length, 0);
function svgAttr(k) { const m = svg.match(new RegExp(k + ':([0-9.]+)')); return m ? m[1] : NaN; }
console.log(`${F.length} frames, ${matched} matched, total ${total}: ${fails ? 'FAILED' : 'ok'}`);
process.exit(fails ? 1 : 0);
