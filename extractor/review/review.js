/* claimx review page. Everything shown comes from the JSON payload and goes into the page as text
   (textContent, text nodes, attributes), never as markup. Offsets in the payload are Python code-point
   offsets into the original text; the page converts them to JavaScript string indices and back. */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const P = JSON.parse($('payload').textContent);
  const TABLE_NAMES = ['mentions', 'regimens', 'claims', 'citations', 'references'];
  const PAGE_SIZE = 100;
  const COLLATE = new Intl.Collator(undefined, { numeric: true }).compare;
  const ROW_HEIGHT = 28;
  const SPAN_ATTRS = ['value', 'unit', 'norm_value', 'norm_unit', 'min_value', 'max_value', 'concept_id',
    'concept_name', 'negated', 'hedged', 'negation_cue', 'hedge_cue', 'refs', 'style', 'source', 'sent_id'];
  // attributes that describe the text whatever its label; the rest are dropped when a reviewer relabels
  const LABEL_FREE_ATTRS = ['negated', 'hedged', 'negation_cue', 'hedge_cue'];
  const CLAIM_LISTS = ['drugs', 'doses', 'durations', 'timepoints', 'outcomes', 'sample_sizes', 'citations'];
  const CLAIM_ATTRS = ['claim_type', 'direction', 'significant', 'hedged', 'negated', 'negation_cue',
    'hedge_cue', 'score', 'sent_id'];
  const CLAIM_KEY = 'claims (overline)';
  const DIRECTIONS = ['decrease', 'increase', 'no_change', 'unknown'];
  const CLAIM_TYPES = ['finding', 'hypothesis', 'recommendation', 'background'];

  // ---------- small helpers ----------
  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'data') Object.entries(v).forEach(([dk, dv]) => { e.dataset[dk] = String(dv); });
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined) continue;
      e.append(kid instanceof Node ? kid : String(kid));
    }
    return e;
  }
  const isBlank = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
  const show = (v) => (isBlank(v) ? '' : Array.isArray(v) ? v.join('; ') : String(v));

  const PALETTE = {};
  P.labels.forEach((l) => {
    const h = l.color.slice(1);
    PALETTE[l.label] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  });
  function rgb(label) {
    if (!PALETTE[label]) {  // a label the palette does not know: a stable colour from its name
      let h = 7;
      for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
      PALETTE[label] = [60 + (h % 150), 60 + ((h >> 8) % 150), 60 + ((h >> 16) % 150)];
    }
    return PALETTE[label];
  }
  const rgba = (label, a) => `rgba(${rgb(label).join(',')},${a})`;
  const allLabels = () => {
    const names = P.labels.map((l) => l.label);
    const t = TABLES.mentions;
    if (t) for (const r of t.rows) if (!names.includes(r[t.col.label])) names.push(r[t.col.label]);
    return names;
  };

  // ---------- tables ----------
  const TABLES = {};
  for (const name of TABLE_NAMES) {
    const t = P.tables[name];
    if (!t) continue;
    const col = {};
    t.columns.forEach((c, i) => { col[c] = i; });
    const byDoc = new Map();
    t.rows.forEach((r, i) => {
      const d = r[col.doc_id];
      if (!byDoc.has(d)) byDoc.set(d, []);
      byDoc.get(d).push(i);
    });
    TABLES[name] = { name, columns: t.columns, rows: t.rows, col, byDoc };
  }
  const rowObj = (t, i) => {
    const o = {};
    t.columns.forEach((c, j) => { o[c] = t.rows[i][j]; });
    return o;
  };
  // a reference as one line, for the citation markers that resolve to it
  const REFERENCE_LINES = new Map();
  if (TABLES.references) {
    TABLES.references.rows.forEach((_, i) => {
      const o = rowObj(TABLES.references, i);
      const authors = o.authors || [];
      const who = authors.length > 3 ? authors.slice(0, 3).join(', ') + ' et al.' : authors.join(', ');
      const year = isBlank(o.year) ? '' : ` (${o.year}${o.year_suffix || ''})`;
      const where = [o.journal, o.volume, o.pages].filter((v) => !isBlank(v)).join(' ');
      const line = [(who + year).trim(), o.title, where, o.doi ? 'doi:' + o.doi : null]
        .filter((v) => !isBlank(v)).join('. ');
      REFERENCE_LINES.set(`${o.doc_id}\u0000${o.ref_id}`, (o.label ? `[${o.label}] ` : '') + (line || o.raw || o.ref_id));
    });
  }
  const referenceLines = (docId, ids) => (ids || []).map((id) => REFERENCE_LINES.get(`${docId}\u0000${id}`) || id);
  const DOCS = P.documents;
  const DOC_INDEX = new Map(DOCS.map((d, i) => [d.id, i]));

  // ---------- review state, kept per run in localStorage ----------
  const STORE_KEY = 'claimx-review:' + P.run.id;
  function emptyState() { return { v: 1, spans: {}, added: {}, claims: {}, reviewed: {}, hidden: {}, nextId: 1 }; }
  function loadState() {
    try {
      const s = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
      if (s && s.v === 1) return Object.assign(emptyState(), s);
    } catch (e) { /* unreadable or unavailable storage: start afresh */ }
    return emptyState();
  }
  const state = loadState();
  function save() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
      $('save-status').textContent = 'saved in this browser';
    } catch (e) {
      $('save-status').textContent = 'not saved: ' + e.message;
    }
  }
  const bucket = (name, id) => (state[name][id] = state[name][id] || (name === 'added' ? [] : {}));

  // ---------- document text and offsets ----------
  const textCache = new Map();
  function getText(i) {
    if (!textCache.has(i)) {
      const node = $('text-' + i);
      const text = node ? JSON.parse(node.textContent) : null;
      let cpToU = null;
      let uToCp = null;
      if (text !== null && /[\uD800-\uDFFF]/.test(text)) {  // astral characters: indices differ
        cpToU = [];
        uToCp = new Array(text.length + 1);
        let u = 0;
        for (const ch of text) { cpToU.push(u); for (let k = 0; k < ch.length; k++) uToCp[u + k] = cpToU.length - 1; u += ch.length; }
        cpToU.push(u);
        uToCp[u] = cpToU.length - 1;
      }
      if (textCache.size > 50) textCache.clear();
      textCache.set(i, {
        text,
        U: cpToU ? (cp) => cpToU[Math.max(0, Math.min(cp, cpToU.length - 1))] : (cp) => cp,
        CP: uToCp ? (u) => uToCp[u] : (u) => u,
      });
    }
    return textCache.get(i);
  }
  const slice = (t, start, end) => t.text.slice(t.U(start), t.U(end));

  // ---------- spans and claims of one document ----------
  function baseSpans(i) {
    const d = DOCS[i];
    const out = [];
    const seen = new Map();
    const m = TABLES.mentions;
    for (const r of (m && m.byDoc.get(d.id)) || []) {
      const o = rowObj(m, r);
      if (o.start === null || o.end === null) continue;
      const key = `${o.start}:${o.end}:${o.label}`;
      if (seen.has(key)) continue;
      const attrs = {};
      SPAN_ATTRS.forEach((a) => { if (!isBlank(o[a])) attrs[a] = o[a]; });
      const s = { key, start: o.start, end: o.end, label: o.label, text: o.text, attrs, table: 'mentions', row: r };
      seen.set(key, s);
      out.push(s);
    }
    const c = TABLES.citations;
    for (const r of (c && c.byDoc.get(d.id)) || []) {  // citation details onto CITATION mentions, or new spans
      const o = rowObj(c, r);
      if (o.start === null || o.end === null) continue;
      const key = `${o.start}:${o.end}:CITATION`;
      const attrs = {};
      ['refs', 'style', 'sent_id', 'ref_ids'].forEach((a) => { if (!isBlank(o[a])) attrs[a] = o[a]; });
      if (seen.has(key)) Object.assign(seen.get(key).attrs, attrs);
      else {
        const s = { key, start: o.start, end: o.end, label: 'CITATION', text: o.text, attrs, table: 'citations', row: r };
        seen.set(key, s);
        out.push(s);
      }
    }
    return out;
  }
  function effectiveSpans(i) {
    const d = DOCS[i];
    const dec = state.spans[d.id] || {};
    const out = baseSpans(i).map((s) => {
      const x = dec[s.key] || {};
      return Object.assign({}, s, { status: x.status || 'pending', label: x.label || s.label, origLabel: s.label });
    });
    const t = d.has_text ? getText(i) : null;
    for (const a of state.added[d.id] || []) {
      out.push({ key: 'add:' + a.id, id: a.id, start: a.start, end: a.end, label: a.label, origLabel: a.label,
        text: t ? slice(t, a.start, a.end) : '', attrs: {}, status: 'added' });
    }
    return out;
  }
  function effectiveClaims(i) {
    const d = DOCS[i];
    const t = TABLES.claims;
    const dec = state.claims[d.id] || {};
    return ((t && t.byDoc.get(d.id)) || []).map((r) => {
      const o = rowObj(t, r);
      const key = `${o.start}:${o.end}`;
      const x = dec[key] || {};
      return Object.assign(o, { key, row: r, status: x.status || 'pending', claim_type: x.claim_type || o.claim_type,
        direction: x.direction || o.direction });
    }).filter((c) => c.start !== null && c.end !== null);
  }
  function spanStatus(docId, key) { const x = (state.spans[docId] || {})[key]; return (x && x.status) || 'pending'; }

  // ---------- document list (virtualised) ----------
  let filteredDocs = DOCS.map((_, i) => i);
  let current = -1;
  function mentionCount(id) { const m = TABLES.mentions; return m && m.byDoc.has(id) ? m.byDoc.get(id).length : 0; }
  function filterDocs() {
    const q = $('doc-filter').value.trim().toLowerCase();
    filteredDocs = [];
    DOCS.forEach((d, i) => {
      const hay = `${d.id} ${d.source || ''} ${d.status || ''} ${state.reviewed[d.id] ? 'reviewed' : ''}`.toLowerCase();
      if (!q || hay.includes(q)) filteredDocs.push(i);
    });
    $('doc-count').textContent = `${filteredDocs.length} of ${DOCS.length} documents, ` +
      `${Object.keys(state.reviewed).filter((k) => state.reviewed[k]).length} reviewed`;
    $('doc-list').firstElementChild.style.height = filteredDocs.length * ROW_HEIGHT + 'px';
    drawDocList();
  }
  function drawDocList() {
    const box = $('doc-list');
    const inner = box.firstElementChild;
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_HEIGHT) - 5);
    const last = Math.min(filteredDocs.length, first + Math.ceil(box.clientHeight / ROW_HEIGHT) + 10);
    const rows = [];
    for (let k = first; k < last; k++) {
      const i = filteredDocs[k];
      const d = DOCS[i];
      rows.push(el('div', { class: 'vrow' + (i === current ? ' sel' : ''), data: { doc: i }, title: d.source || d.id },
        el('span', { class: 'ok' }, state.reviewed[d.id] ? '\u2713' : ''),
        el('span', { class: 'name' }, d.id),
        d.status === 'error' || !d.has_text ? el('span', { class: 'bad' }, d.status === 'error' ? 'error' : 'no text') : null,
        el('span', { class: 'n' }, String(mentionCount(d.id)))));
      rows[rows.length - 1].style.top = k * ROW_HEIGHT + 'px';
    }
    inner.replaceChildren(...rows);
  }

  // ---------- document view ----------
  let segments = [];  // {s, e, el, spans, claims} in JS string indices, in order
  function assignTracks(spans) {
    const order = spans.slice().sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start));
    const ends = [];
    for (const s of order) {
      let k = ends.findIndex((e) => e <= s.start);
      if (k < 0) { k = ends.length; ends.push(0); }
      ends[k] = s.end;
      s.track = k;
    }
  }
  function openDoc(i, keepDetail) {
    current = i;
    const d = DOCS[i];
    $('doc-title').textContent = d.id;
    $('doc-reviewed').checked = !!state.reviewed[d.id];
    $('doc-reviewed').disabled = !d.has_text;
    const problem = d.problem || (d.status === 'error' ? d.error : null);
    $('doc-problem').hidden = !problem;
    $('doc-problem').textContent = problem || '';
    $('add-bar').hidden = true;
    drawDocList();
    if (TABLE_STATE.thisDoc) drawTable();
    renderText();
    if (!keepDetail) showHint();
  }
  function renderText() {
    const i = current;
    const d = DOCS[i];
    const box = $('doc-text');
    segments = [];
    if (!d.has_text) {
      box.replaceChildren(el('p', { class: 'hint' }, 'The text of this document is not available.'));
      $('doc-meta').textContent = d.source || '';
      return;
    }
    const t = getText(i);
    const text = t.text;
    const hidden = state.hidden;
    const spans = effectiveSpans(i).filter((s) => !hidden[s.label]).map((s) => Object.assign(s, { a: t.U(s.start), b: t.U(s.end) }));
    const claims = effectiveClaims(i).map((c) => Object.assign(c, { a: t.U(c.start), b: t.U(c.end) }));
    const counts = { pending: 0, accepted: 0, rejected: 0, added: 0 };
    effectiveSpans(i).forEach((s) => { counts[s.status] += 1; });
    $('doc-meta').textContent = `${d.source || ''} \u00b7 ${text.length.toLocaleString()} chars \u00b7 ` +
      `${counts.pending} pending, ${counts.accepted} accepted, ${counts.rejected} rejected, ${counts.added} added`;
    assignTracks(spans);
    const cuts = new Set([0, text.length]);
    spans.forEach((s) => { cuts.add(s.a); cuts.add(s.b); });
    claims.forEach((c) => { cuts.add(c.a); cuts.add(c.b); });
    const points = [...cuts].filter((x) => x >= 0 && x <= text.length).sort((x, y) => x - y);
    const byStart = spans.slice().sort((x, y) => x.a - y.a);
    let next = 0;
    let active = [];
    const frag = document.createDocumentFragment();
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k];
      const b = points[k + 1];
      while (next < byStart.length && byStart[next].a <= a) active.push(byStart[next++]);
      active = active.filter((s) => s.b > a);
      const covering = active.filter((s) => s.a <= a && s.b >= b);
      const inClaims = claims.filter((c) => c.a <= a && c.b >= b);
      const seg = el('span', { data: { s: a } }, text.slice(a, b));
      if (covering.length) decorate(seg, covering, b);
      if (inClaims.length && !hidden[CLAIM_KEY]) {  // claims: a dotted overline, apart from the span underlines
        seg.classList.add('c');
        if (inClaims.every((c) => c.status === 'rejected')) seg.classList.add('c-rejected');
      }
      if (covering.length || inClaims.length) seg.addEventListener('click', onSegmentClick);
      frag.append(seg);
      segments.push({ s: a, e: b, el: seg, spans: covering, claims: inClaims });
    }
    box.replaceChildren(frag);
  }
  function decorate(seg, covering, b) {
    seg.className = 'm';
    const images = [];
    const positions = [];
    const sizes = [];
    let top = 0;
    covering.slice().sort((x, y) => x.track - y.track).forEach((s) => {
      const off = s.track * 4;
      top = Math.max(top, s.track);
      if (s.status === 'rejected') images.push(`repeating-linear-gradient(90deg,${rgba(s.label, 0.55)} 0 4px,transparent 4px 7px)`);
      else {
        const c = rgba(s.label, s.status === 'pending' ? 0.6 : 1);
        images.push(`linear-gradient(${c},${c})`);
      }
      positions.push(`0 calc(100% - ${off}px)`);
      sizes.push('100% 3px');
    });
    seg.style.backgroundImage = images.join(',');
    seg.style.backgroundPosition = positions.join(',');
    seg.style.backgroundSize = sizes.join(',');
    seg.style.paddingBottom = (top * 4 + 4) + 'px';
    const inner = covering.filter((s) => s.status !== 'rejected').sort((x, y) => (x.b - x.a) - (y.b - y.a))[0];
    if (inner) seg.style.backgroundColor = rgba(inner.label, 0.13);
    const ending = covering.filter((s) => s.b === b).map((s) => (s.status === 'rejected' ? '\u2717' : '') + s.label);
    if (ending.length) seg.dataset.tags = ending.join(' ');
    seg.title = covering.map((s) => `${s.label} [${s.status}] ${s.text}` +
      (s.attrs.norm_value !== undefined ? ` = ${s.attrs.norm_value} ${s.attrs.norm_unit || ''}` : '') +
      (s.attrs.concept_id ? ` (${s.attrs.concept_id})` : '') +
      referenceLines(DOCS[current] && DOCS[current].id, s.attrs.ref_ids).map((line) => '\n  cites ' + line).join('')).join('\n');
  }
  function segmentAt(u) {  // the segment holding JS index u (binary search)
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid].s <= u) lo = mid; else hi = mid - 1;
    }
    return segments[lo];
  }
  function onSegmentClick(ev) {
    if (!window.getSelection().isCollapsed) return;  // a text selection, not a click
    const seg = segments.find((x) => x.el === ev.currentTarget);
    if (seg) showDetail(seg.spans, seg.claims, null);
  }
  function flash(aCp, bCp, cls, noScroll) {
    const t = getText(current);
    const a = t.U(aCp);
    const b = t.U(bCp);
    document.querySelectorAll('#doc-text .' + cls).forEach((x) => x.classList.remove(cls));
    let first = null;
    for (const seg of segments) {
      if (seg.s >= a && seg.e <= b && seg.e > seg.s) { seg.el.classList.add(cls); first = first || seg.el; }
    }
    if (first && !noScroll) first.scrollIntoView({ block: 'center' });
    return first;
  }

  // ---------- details: spans and claims ----------
  function showHint() {
    lastDetail = null;
    $('detail').replaceChildren(el('h2', null, 'Details'),
      el('p', { class: 'hint' }, 'Click a highlighted span or a table row to see its attributes, accept or reject it, or change its label. Select text in the document to add a span it missed.'),
      el('p', { class: 'hint' }, 'Keys: j / k next / previous span, a accept, r reject, u undo.'));
  }
  function dl(pairs) {
    const list = el('dl');
    pairs.forEach(([k, v]) => { if (!isBlank(v)) list.append(el('dt', null, k), el('dd', null, show(v))); });
    return list;
  }
  function spanCard(s, focus) {
    const labelSelect = el('select', { 'aria-label': 'label', class: 'label-select' },
      allLabels().map((l) => el('option', { value: l, selected: l === s.label }, l)));
    labelSelect.addEventListener('change', () => relabel(s, labelSelect.value));
    const actions = s.status === 'added'
      ? [el('button', { type: 'button', class: 'remove', onclick: () => removeAdded(s) }, 'Remove')]
      : [el('button', { type: 'button', class: 'accept', onclick: () => decide(s, 'accepted') }, 'Accept'),
        el('button', { type: 'button', class: 'reject', onclick: () => decide(s, 'rejected') }, 'Reject'),
        el('button', { type: 'button', class: 'reset', onclick: () => decide(s, null) }, 'Undo')];
    const card = el('div', { class: 'card span-card' + (focus ? ' focus' : ''), data: { key: s.key } },
      el('div', null, el('span', { class: 'status ' + s.status }, s.status), ' ',
        el('span', { class: 'muted' }, `${s.start}\u2013${s.end}` + (s.label !== s.origLabel ? ` \u00b7 was ${s.origLabel}` : ''))),
      el('div', { class: 'quote' }, s.text),
      dl(SPAN_ATTRS.map((a) => [a, s.attrs[a]])),
      isBlank(s.attrs.ref_ids) ? null : el('div', { class: 'cites' }, el('div', { class: 'muted' }, 'cites'),
        referenceLines(DOCS[current] && DOCS[current].id, s.attrs.ref_ids).map((line) => el('div', { class: 'reference' }, line))),
      el('div', { class: 'actions' }, actions, labelSelect));
    card.style.borderLeftColor = rgba(s.label, 1);
    return card;
  }
  function claimCard(c, focus) {
    const dir = el('select', { 'aria-label': 'direction', class: 'direction-select' },
      [...new Set([...DIRECTIONS, c.direction].filter((x) => !isBlank(x)))].map((v) => el('option', { value: v, selected: v === c.direction }, v)));
    dir.addEventListener('change', () => decideClaim(c, { direction: dir.value }));
    const typ = el('select', { 'aria-label': 'claim type', class: 'type-select' },
      [...new Set([...CLAIM_TYPES, c.claim_type].filter((x) => !isBlank(x)))].map((v) => el('option', { value: v, selected: v === c.claim_type }, v)));
    typ.addEventListener('change', () => decideClaim(c, { claim_type: typ.value }));
    const links = el('div', null);
    CLAIM_LISTS.forEach((name) => {
      if (isBlank(c[name])) return;
      links.append(el('div', { class: 'muted' }, name),
        el('div', { class: 'links' }, c[name].map((v) => el('span', { class: 'chip', title: 'show in the text', onclick: () => jumpToText(c, v) }, v))));
    });
    const card = el('div', { class: 'card claim-card' + (focus ? ' focus' : ''), data: { key: c.key } },
      el('div', null, el('span', { class: 'status ' + c.status }, c.status), ' ', el('span', { class: 'muted' }, `claim ${c.start}\u2013${c.end}`)),
      el('div', { class: 'quote' }, c.text),
      dl(CLAIM_ATTRS.map((a) => [a, c[a]])),
      links,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'accept', onclick: () => decideClaim(c, { status: 'accepted' }) }, 'Accept'),
        el('button', { type: 'button', class: 'reject', onclick: () => decideClaim(c, { status: 'rejected' }) }, 'Reject'),
        el('button', { type: 'button', class: 'reset', onclick: () => decideClaim(c, null) }, 'Undo'), typ, dir));
    card.style.borderLeftColor = '#e0b000';
    return card;
  }
  let lastDetail = null;
  function showDetail(spans, claims, focusKey) {
    lastDetail = { keys: spans.map((s) => s.key), claimKeys: claims.map((c) => c.key), focusKey };
    const box = $('detail');
    box.replaceChildren();
    if (spans.length) {
      box.append(el('h2', null, spans.length === 1 ? 'Span' : `${spans.length} overlapping spans`));
      spans.slice().sort((x, y) => (x.end - x.start) - (y.end - y.start)).forEach((s) => box.append(spanCard(s, s.key === focusKey)));
    }
    if (claims.length) {
      box.append(el('h2', null, claims.length === 1 ? 'Claim' : 'Claims'));
      claims.forEach((c) => box.append(claimCard(c, c.key === focusKey)));
    }
    if (!spans.length && !claims.length) showHint();
  }
  function refreshDetail() {  // after a decision: redraw the text and the same cards with new state
    renderText();
    if (TABLE_STATE.name) drawTable();
    drawDocList();
    if (!lastDetail) return;
    const spans = effectiveSpans(current).filter((s) => lastDetail.keys.includes(s.key));
    const claims = effectiveClaims(current).filter((c) => lastDetail.claimKeys.includes(c.key));
    const focus = spans.find((s) => s.key === lastDetail.focusKey);
    if (focus) flash(focus.start, focus.end, 'flash', true);
    showDetail(spans, claims, lastDetail.focusKey);
  }
  // keyboard review: j/k move through the spans in text order, a/r/u decide on the focused one
  function spanOrder() {
    return effectiveSpans(current).filter((s) => !state.hidden[s.label])
      .sort((x, y) => x.start - y.start || (y.end - y.start) - (x.end - x.start) || (x.label < y.label ? -1 : 1));
  }
  function onKey(ev) {
    if (current < 0 || ev.ctrlKey || ev.metaKey || ev.altKey || !DOCS[current].has_text) return;
    if (ev.target.closest && ev.target.closest('input, select, textarea, button')) return;
    const order = spanOrder();
    if (!order.length) return;
    const key = lastDetail && (lastDetail.focusKey || lastDetail.keys[0]);
    const at = order.findIndex((s) => s.key === key);
    if (ev.key === 'j' || ev.key === 'k') {
      const s = order[ev.key === 'j' ? Math.min(order.length - 1, at + 1) : Math.max(0, at - 1)];
      flash(s.start, s.end, 'flash');
      showDetail([s], [], s.key);
    } else if ((ev.key === 'a' || ev.key === 'r' || ev.key === 'u') && at >= 0 && order[at].status !== 'added') {
      decide(order[at], { a: 'accepted', r: 'rejected', u: null }[ev.key]);
    } else return;
    ev.preventDefault();
  }
  function touched() {
    const id = DOCS[current].id;
    if (!state.reviewed[id]) { state.reviewed[id] = true; $('doc-reviewed').checked = true; filterDocs(); }
    save();
  }
  function decide(s, status) {
    const b = bucket('spans', DOCS[current].id);
    const x = Object.assign({}, b[s.key] || {});
    if (status) x.status = status; else delete x.status;
    if (!status) delete x.label;
    if (Object.keys(x).length) b[s.key] = x; else delete b[s.key];
    touched();
    refreshDetail();
  }
  function relabel(s, label) {
    const id = DOCS[current].id;
    if (s.status === 'added') {
      const a = (state.added[id] || []).find((x) => x.id === s.id);
      if (a) a.label = label;
    } else {
      const b = bucket('spans', id);
      const x = Object.assign({}, b[s.key] || {});
      if (label === s.origLabel) delete x.label; else { x.label = label; x.status = 'accepted'; }
      if (Object.keys(x).length) b[s.key] = x; else delete b[s.key];
    }
    touched();
    refreshDetail();
  }
  function removeAdded(s) {
    const id = DOCS[current].id;
    state.added[id] = (state.added[id] || []).filter((x) => x.id !== s.id);
    lastDetail.keys = lastDetail.keys.filter((k) => k !== s.key);
    touched();
    refreshDetail();
  }
  function decideClaim(c, change) {
    const b = bucket('claims', DOCS[current].id);
    const x = change ? Object.assign({}, b[c.key] || {}, change) : {};
    if (Object.keys(x).length) b[c.key] = x; else delete b[c.key];
    touched();
    refreshDetail();
  }
  function jumpToText(c, value) {
    const s = effectiveSpans(current).find((x) => x.start >= c.start && x.end <= c.end && x.text === value);
    if (s) { flash(s.start, s.end, 'flash'); showDetail([s], [], s.key); }
  }

  // ---------- adding a span by selecting text ----------
  let pendingAdd = null;
  function pointToIndex(node, off) {
    const box = $('doc-text');
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement && node.parentElement.closest('[data-s]');
      return seg ? Number(seg.dataset.s) + off : null;
    }
    if (node === box) {
      const child = box.childNodes[off];
      return child ? Number(child.dataset.s) : getText(current).text.length;
    }
    const seg = node.closest && node.closest('[data-s]');
    if (!seg) return null;
    return off === 0 ? Number(seg.dataset.s) : Number(seg.dataset.s) + seg.textContent.length;
  }
  function onSelect() {
    const sel = window.getSelection();
    const box = $('doc-text');
    if (current < 0 || !DOCS[current].has_text || sel.isCollapsed || !sel.rangeCount) return;
    const r = sel.getRangeAt(0);
    if (!box.contains(r.startContainer) || !box.contains(r.endContainer)) return;
    let a = pointToIndex(r.startContainer, r.startOffset);
    let b = pointToIndex(r.endContainer, r.endOffset);
    if (a === null || b === null) return;
    const t = getText(current);
    while (a < b && /\s/.test(t.text[a])) a++;
    while (b > a && /\s/.test(t.text[b - 1])) b--;
    if (b <= a) return;
    pendingAdd = { start: t.CP(a), end: t.CP(b) };
    $('add-text').textContent = t.text.slice(a, b);
    $('add-bar').hidden = false;
  }
  function addSpan() {
    if (!pendingAdd) return;
    const id = DOCS[current].id;
    const label = $('add-label').value;
    const add = { id: state.nextId++, start: pendingAdd.start, end: pendingAdd.end, label };
    bucket('added', id).push(add);
    pendingAdd = null;
    $('add-bar').hidden = true;
    window.getSelection().removeAllRanges();
    touched();
    lastDetail = { keys: ['add:' + add.id], claimKeys: [], focusKey: 'add:' + add.id };
    refreshDetail();
  }

  // ---------- tables: sortable, filterable, paged ----------
  const TABLE_STATE = { name: null, sortCol: null, sortDir: 1, page: 0, rows: [], thisDoc: false, selected: null };
  function reviewColumn(t, r) {  // review status of a mentions/claims/citations row, shown as an extra column
    const o = rowObj(t, r);
    const id = o.doc_id;
    if (t.name === 'mentions') return spanStatus(id, `${o.start}:${o.end}:${o.label}`);
    if (t.name === 'citations') return spanStatus(id, `${o.start}:${o.end}:CITATION`);
    if (t.name === 'claims') { const x = (state.claims[id] || {})[`${o.start}:${o.end}`]; return (x && x.status) || 'pending'; }
    return null;
  }
  const hasReview = (t) => t.name !== 'regimens' && t.name !== 'references';
  function tableColumns(t) { return hasReview(t) ? [...t.columns, 'review'] : t.columns; }
  function cell(t, r, c) { return c === 'review' ? reviewColumn(t, r) : t.rows[r][t.col[c]]; }
  function drawTabs() {
    $('tabs').replaceChildren(...TABLE_NAMES.map((name) => {
      const t = TABLES[name];
      return el('button', { type: 'button', role: 'tab', class: 'tab' + (name === TABLE_STATE.name ? ' active' : ''), data: { table: name },
        disabled: !t, title: t ? null : `no ${name} table in this run`, onclick: () => selectTable(name) },
      t ? `${name} (${t.rows.length.toLocaleString()})` : `${name} (none)`);
    }));
  }
  function selectTable(name) {
    TABLE_STATE.name = name;
    TABLE_STATE.sortCol = null;
    TABLE_STATE.page = 0;
    drawTabs();
    drawTable();
  }
  function matchRows() {
    const t = TABLES[TABLE_STATE.name];
    const cols = tableColumns(t);
    const terms = $('table-filter').value.trim().toLowerCase().split(/\s+/).filter(Boolean).map((term) => {
      const m = /^([a-z_]+):(.*)$/.exec(term);
      return m && cols.includes(m[1]) ? { col: m[1], q: m[2] } : { col: null, q: term };
    });
    let rows = TABLE_STATE.thisDoc && current >= 0 ? (t.byDoc.get(DOCS[current].id) || []).slice() : t.rows.map((_, i) => i);
    if (terms.length) {
      rows = rows.filter((r) => terms.every(({ col, q }) => (col ? [col] : cols).some((c) => show(cell(t, r, c)).toLowerCase().includes(q))));
    }
    if (TABLE_STATE.sortCol) {
      const c = TABLE_STATE.sortCol;
      const dir = TABLE_STATE.sortDir;
      rows.sort((x, y) => {
        const a = cell(t, x, c);
        const b = cell(t, y, c);
        if (isBlank(a) !== isBlank(b)) return isBlank(a) ? 1 : -1;
        if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
        return COLLATE(show(a), show(b)) * dir || x - y;
      });
    }
    return rows;
  }
  function drawTable() {
    const t = TABLES[TABLE_STATE.name];
    if (!t) return;
    const cols = tableColumns(t);
    const rows = matchRows();
    TABLE_STATE.rows = rows;
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    TABLE_STATE.page = Math.min(TABLE_STATE.page, pages - 1);
    const from = TABLE_STATE.page * PAGE_SIZE;
    $('table-count').textContent = `${rows.length.toLocaleString()} of ${t.rows.length.toLocaleString()} rows`;
    $('page-info').textContent = `${TABLE_STATE.page + 1} / ${pages}`;
    $('page-prev').disabled = TABLE_STATE.page === 0;
    $('page-next').disabled = TABLE_STATE.page >= pages - 1;
    const head = el('tr', null, cols.map((c) => el('th', {
      class: c === TABLE_STATE.sortCol ? (TABLE_STATE.sortDir > 0 ? 'asc' : 'desc') : null, data: { col: c }, title: 'sort',
      onclick: () => {
        TABLE_STATE.sortDir = TABLE_STATE.sortCol === c ? -TABLE_STATE.sortDir : 1;
        TABLE_STATE.sortCol = c;
        drawTable();
      },
    }, c)));
    $('table').tHead.replaceChildren(head);
    const body = rows.slice(from, from + PAGE_SIZE).map((r) => el('tr', { data: { row: r }, onclick: () => openRow(t, r),
      class: TABLE_STATE.selected === `${t.name}:${r}` ? 'sel' : null },
      cols.map((c) => {
        const v = show(cell(t, r, c));
        return el('td', { title: v.length > 30 ? v : null, class: c === 'review' ? v : null }, v);
      })));
    $('table').tBodies[0].replaceChildren(...body);
  }
  function openRow(t, r) {
    const o = rowObj(t, r);
    const i = DOC_INDEX.get(o.doc_id);
    if (i === undefined) return;
    document.querySelectorAll('#table tr.sel').forEach((x) => x.classList.remove('sel'));
    const tr = document.querySelector(`#table tr[data-row="${r}"]`);
    if (tr) tr.classList.add('sel');
    TABLE_STATE.selected = `${t.name}:${r}`;
    if (i !== current) openDoc(i, true);
    if (!DOCS[i].has_text) return;
    let start = o.start;
    let end = o.end;
    if ((start === null || start === undefined) && t.name === 'regimens') {  // older regimens tables: find the drug
      const s = effectiveSpans(i).find((x) => x.attrs.sent_id === o.sent_id && x.text === o.drug);
      if (s) { start = s.start; end = s.end; }
    }
    if (start === null || start === undefined) return;
    if (t.name === 'claims') {
      flash(start, end, 'claim-focus');
      const c = effectiveClaims(i).find((x) => x.row === r);
      showDetail([], c ? [c] : [], c && c.key);
      return;
    }
    flash(start, end, 'flash');
    const label = t.name === 'citations' ? 'CITATION' : o.label;
    const all = effectiveSpans(i);
    const within = all.filter((s) => s.start >= start && s.end <= end);
    const key = `${start}:${end}:${label}`;
    const focus = all.find((s) => s.key === key) || within[0];
    showDetail(within.length ? within : [], [], focus && focus.key);
  }

  // ---------- export as gold JSONL ----------
  function goldSpan(s) {
    const g = { start: s.start, end: s.end, label: s.label, text: s.text };
    Object.entries(s.attrs).forEach(([k, v]) => {
      if (k === 'sent_id' || k === 'source' || k === 'ref_ids') return;
      if (s.label !== s.origLabel && !LABEL_FREE_ATTRS.includes(k)) return;
      g[k] = v;
    });
    return g;
  }
  function goldClaim(c) {
    const g = { start: c.start, end: c.end, text: c.text };
    ['claim_type', 'direction', 'significant', 'hedged', 'negated', 'negation_cue', 'hedge_cue', ...CLAIM_LISTS].forEach((k) => {
      if (!isBlank(c[k])) g[k] = c[k];
    });
    return g;
  }
  function goldLines(scope) {
    const lines = [];
    DOCS.forEach((d, i) => {
      if (!d.has_text || (scope === 'reviewed' && !state.reviewed[d.id])) return;
      const text = getText(i).text;
      const spans = effectiveSpans(i).filter((s) => s.status !== 'rejected').map(goldSpan)
        .sort((x, y) => x.start - y.start || x.end - y.end || (x.label < y.label ? -1 : 1));
      const claims = effectiveClaims(i).filter((c) => c.status !== 'rejected').map(goldClaim);
      lines.push(JSON.stringify({ id: d.id, text, spans, claims,
        meta: { source: d.source, run: P.run.name, reviewed: !!state.reviewed[d.id], tool: 'claimx review' } }));
    });
    return lines;
  }
  let lastUrl = null;
  function exportGold() {
    const scope = $('export-scope').value;
    const lines = goldLines(scope);
    if (!lines.length) {
      $('export-status').textContent = 'nothing to export: mark documents reviewed, or export all documents';
      return;
    }
    if (lastUrl) URL.revokeObjectURL(lastUrl);
    lastUrl = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'application/octet-stream' }));
    const a = $('export-link');
    a.href = lastUrl;
    a.download = `${P.run.name}-gold.jsonl`;
    a.textContent = a.download;
    a.hidden = false;
    a.click();
    $('export-status').textContent = `${lines.length} document${lines.length === 1 ? '' : 's'} exported`;
  }

  // ---------- legend ----------
  function drawLegend() {
    const present = new Set();
    const m = TABLES.mentions;
    if (m) m.rows.forEach((r) => present.add(r[m.col.label]));
    if (TABLES.citations && TABLES.citations.rows.length) present.add('CITATION');
    $('legend').replaceChildren(...allLabels().map((l) => {
      const chip = el('span', { class: 'chip' + (state.hidden[l] ? ' off' : ''), data: { label: l }, role: 'button',
        title: present.has(l) ? 'click to hide or show' : 'none in this run',
        onclick: () => { state.hidden[l] = !state.hidden[l]; save(); drawLegend(); if (current >= 0) renderText(); } },
      el('span', { class: 'sw' }), l);
      chip.firstChild.style.background = rgba(l, 1);
      if (!present.has(l)) chip.style.opacity = state.hidden[l] ? '.25' : '.55';
      return chip;
    }));
    if (TABLES.claims) {
      $('legend').append(el('span', { class: 'chip claim-chip' + (state.hidden[CLAIM_KEY] ? ' off' : ''), role: 'button',
        data: { label: CLAIM_KEY }, title: 'claim sentences: click to hide or show',
        onclick: () => { state.hidden[CLAIM_KEY] = !state.hidden[CLAIM_KEY]; save(); drawLegend(); if (current >= 0) renderText(); } },
      el('span', { class: 'c' }, 'claim')));
    }
  }

  // ---------- wiring ----------
  $('run-name').textContent = `${P.run.name} \u00b7 ${DOCS.length.toLocaleString()} documents`;
  $('run-name').title = P.run.path;
  $('add-label').replaceChildren(...allLabels().map((l) => el('option', { value: l }, l)));
  $('doc-filter').addEventListener('input', () => { $('doc-list').scrollTop = 0; filterDocs(); });
  $('doc-list').addEventListener('scroll', drawDocList);
  $('doc-list').addEventListener('click', (ev) => {
    const row = ev.target.closest('.vrow');
    if (row) openDoc(Number(row.dataset.doc));
  });
  $('doc-reviewed').addEventListener('change', () => {
    state.reviewed[DOCS[current].id] = $('doc-reviewed').checked;
    if (!state.reviewed[DOCS[current].id]) delete state.reviewed[DOCS[current].id];
    save();
    filterDocs();
  });
  $('doc-text').addEventListener('mouseup', () => setTimeout(onSelect, 0));
  $('doc-text').addEventListener('keyup', (ev) => { if (ev.shiftKey) onSelect(); });
  $('add-btn').addEventListener('click', addSpan);
  $('add-cancel').addEventListener('click', () => { pendingAdd = null; $('add-bar').hidden = true; });
  $('table-filter').addEventListener('input', () => { TABLE_STATE.page = 0; drawTable(); });
  $('table-this-doc').addEventListener('change', () => { TABLE_STATE.thisDoc = $('table-this-doc').checked; TABLE_STATE.page = 0; drawTable(); });
  $('page-prev').addEventListener('click', () => { TABLE_STATE.page -= 1; drawTable(); });
  $('page-next').addEventListener('click', () => { TABLE_STATE.page += 1; drawTable(); });
  $('export-btn').addEventListener('click', exportGold);
  document.addEventListener('keydown', onKey);
  window.addEventListener('resize', drawDocList);

  drawLegend();
  drawTabs();
  filterDocs();
  const firstTable = TABLE_NAMES.find((n) => TABLES[n]);
  if (firstTable) selectTable(firstTable);
  const firstDoc = DOCS.findIndex((d) => d.has_text);
  if (DOCS.length) openDoc(firstDoc >= 0 ? firstDoc : 0);
  else $('doc-text').replaceChildren(el('p', { class: 'hint' }, 'This run has no documents.'));
  // for tests and scripts: the gold lines the Export button would write
  window.claimxReview = { goldLines, state };
}());
