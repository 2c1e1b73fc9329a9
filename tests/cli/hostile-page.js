// hostile-page.js - the checks hostile-browser.sh runs inside Chromium, on a
// flame SVG or a heapdiff HTML report made from hostile names. Inlined into
// the test pages (after the SVG's own script, or in a page that holds the
// report in an iframe); each check appends "TAG NAME=ok" or "TAG NAME=FAIL:
// why" to window.RESULTS, which hpWriteResults() writes into the page's
// result element for --dump-dom.
//
// Every payload sets document.title to "PWN"+"ED-n" when it runs; the two
// halves together are in no input, and not in this file either (it is
// inlined into the pages it inspects), so finding them anywhere means
// something from the input ran. A payload must also be visible, as text, where its
// name belongs: the escaping is tested, not a writer that drops names.
'use strict';
const HP_MARK = new RegExp('PWN' + 'ED');
window.RESULTS = window.RESULTS || [];

function hpResult(tag, name, problem) {
  RESULTS.push(tag + ' ' + name + '=' + (problem ? 'FAIL: ' + problem : 'ok'));
}

// Anything that shows a payload ran: a title, a global, an attribute.
function hpRan(doc, win) {
  const where = [];
  if (HP_MARK.test(doc.title)) where.push('document.title');
  if (win.top && HP_MARK.test(win.top.document.title)) where.push('top title');
  if (doc.documentElement && HP_MARK.test(doc.documentElement.outerHTML)) where.push('the DOM');
  if (win['PWN' + 'ED']) where.push('a global');
  return where.join(', ');
}

// Elements and attributes outside what the writer makes.
function hpForeign(root, allowed, nscripts) {
  const bad = [];
  const all = [root].concat(Array.from(root.querySelectorAll('*')));
  for (const e of all) {
    if (!allowed.has(e.localName)) bad.push('<' + e.localName + '>');
    for (const a of Array.from(e.attributes)) {
      if (/^on/i.test(a.name) || /href|^src$|^action$|^formaction$/i.test(a.name))
        bad.push(e.localName + '[' + a.name + ']');
      if (/^\s*javascript:/i.test(a.value)) bad.push(e.localName + '[' + a.name + '=javascript:]');
    }
  }
  const n = root.querySelectorAll('script').length;
  if (n !== nscripts) bad.push(n + ' scripts, want ' + nscripts);
  return bad.join(' ');
}

const HP_SVG_ELEMENTS = new Set(['svg', 'style', 'defs', 'linearGradient', 'stop', 'rect', 'g',
  'title', 'text', 'script']);

// A flame SVG in doc (an SVG document, or an HTML page that inlines it).
// names: the frame names that must be shown; urls: locations that must be.
// searches: what the search prompt is answered, in order.
function hpCheckSvg(tag, doc, win, names, urls) {
  const svg = doc.querySelector('svg');
  const frames = doc.getElementById('frames');
  if (!svg || !frames) { hpResult(tag, 'loaded', 'no <svg> with #frames'); return; }
  hpResult(tag, 'loaded', '');
  hpResult(tag, 'nothing-ran', hpRan(doc, win));
  hpResult(tag, 'only-own-markup', hpForeign(svg, HP_SVG_ELEMENTS, 1));
  const gs = Array.from(frames.children);
  const lines = gs.map((g) => g.querySelector('title').textContent.split('\n'));
  const missing = names.filter((n) => !lines.some((l) => l[0] === n));
  hpResult(tag, 'names-shown', missing.length ? 'not a title: ' + JSON.stringify(missing) : '');
  const nourl = urls.filter((u) => !lines.some((l) => (l[1] || '').indexOf(u + ':') === 0));
  hpResult(tag, 'urls-shown', nourl.length ? 'not a location: ' + JSON.stringify(nourl) : '');
  const textOnly = gs.filter((g) => Array.from(g.querySelectorAll('title, text')).some((t) => t.children.length));
  hpResult(tag, 'titles-text-only', textOnly.length ? textOnly.length + ' with elements inside' : '');

  // The search: a pattern made of markup that matches a name, a pattern
  // that is not a valid regex (its error message is alerted), one that
  // matches nothing; each through the prompt, as Ctrl-F asks.
  const asks = [];
  const alerts = [];
  win.prompt = function () { return asks.shift(); };
  win.alert = function (m) { alerts.push(String(m)); };
  const key = (k, ctrl) => win.dispatchEvent(new win.KeyboardEvent('keydown', { key: k, ctrlKey: !!ctrl }));
  const matched = doc.getElementById('matched');
  const marked = () => gs.filter((g) => /(^| )m( |$)/.test(g.getAttribute('class') || '')).length;
  const hit = names.filter((n) => n.indexOf('<img src=x onerror=') >= 0).length;
  asks.push('<img src=x onerror=');
  key('f', true);
  let p = '';
  if (marked() < hit || hit === 0) p = marked() + ' frames marked for <img src=x onerror=, want ' + hit + '+';
  if (!/^Matched: [0-9.]+%$/.test(matched.textContent)) p += ' matched "' + matched.textContent + '"';
  hpResult(tag, 'search-markup', p);
  key('Escape');
  asks.push("(<script>document.title='PWN'+'ED-S1'<\/script>"); // '<\/': inlined in <script>
  key('f', true);
  hpResult(tag, 'search-bad-regex', alerts.length === 1 && /^Bad pattern: /.test(alerts[0]) ? '' :
    'alerts ' + JSON.stringify(alerts));
  asks.push("]]><svg onload=\"document.title='PWN'+'ED-S2'\">");
  key('f', true);
  hpResult(tag, 'search-no-match', marked() === 0 && matched.textContent === 'Matched: 0.00%' ? '' :
    marked() + ' marked, "' + matched.textContent + '"');
  key('Escape');

  // Details on hover and labels after a zoom show the names as text.
  const details = doc.getElementById('details');
  p = '';
  for (const n of names) {
    const i = lines.findIndex((l) => l[0] === n);
    if (i < 0) continue;
    const r = gs[i].querySelector('rect');
    r.dispatchEvent(new win.MouseEvent('mouseover', { bubbles: true }));
    if (details.textContent.indexOf(n) !== 0 || details.children.length) p += ' details of ' + JSON.stringify(n);
    r.dispatchEvent(new win.MouseEvent('click', { bubbles: true }));
    const t = gs[i].querySelector('text');
    const label = t ? t.textContent : '';
    const cut = label.replace(/\u2026$/, '');
    if (!t || t.children.length || n.indexOf(cut) !== 0 || !cut) p += ' label ' + JSON.stringify(label);
  }
  key('Escape');
  hpResult(tag, 'details-and-zoom', p);
  hpResult(tag, 'nothing-ran-after', hpRan(doc, win));
  hpResult(tag, 'only-own-markup-after', hpForeign(svg, HP_SVG_ELEMENTS, 1));
}

const HP_HTML_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2',
  'h3', 'ul', 'li', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'p', 'span', 'script']);

// A heapdiff HTML report in doc. classes: the class names (from the JSON
// report) that must be a cell; payloads: texts that must be on the page
// (the retainer paths name the properties that hold the objects).
function hpCheckReport(tag, doc, win, classes, payloads) {
  if (!doc.querySelector('table.sortable')) { hpResult(tag, 'loaded', 'no sortable table'); return; }
  hpResult(tag, 'loaded', '');
  hpResult(tag, 'nothing-ran', hpRan(doc, win));
  hpResult(tag, 'only-own-markup', hpForeign(doc.documentElement, HP_HTML_ELEMENTS, 1));
  const cells = new Set(Array.from(doc.querySelectorAll('td')).map((td) => td.textContent));
  const missing = classes.filter((c) => !cells.has(c));
  hpResult(tag, 'classes-shown', missing.length ? 'not a cell: ' + JSON.stringify(missing) : '');
  const text = doc.body.textContent;
  const absent = payloads.filter((s) => text.indexOf(s) < 0);
  hpResult(tag, 'payloads-shown', absent.length ? 'not on the page: ' + JSON.stringify(absent) : '');
  // sort every table by every column, twice
  for (const th of Array.from(doc.querySelectorAll('th'))) { th.click(); th.click(); }
  const after = new Set(Array.from(doc.querySelectorAll('td')).map((td) => td.textContent));
  hpResult(tag, 'sorted', after.size === cells.size ? '' : 'cells changed when sorting');
  hpResult(tag, 'nothing-ran-after', hpRan(doc, win));
  hpResult(tag, 'only-own-markup-after', hpForeign(doc.documentElement, HP_HTML_ELEMENTS, 1));
}

function hpWriteResults() {
  const pre = document.getElementById('result');
  pre.textContent = RESULTS.join('\n') + '\n';
}
