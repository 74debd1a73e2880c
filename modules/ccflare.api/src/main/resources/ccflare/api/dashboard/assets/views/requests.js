import { h, alertBox } from '../dom.js';
import { get } from '../api.js';
import { num, money, ms, time } from '../format.js';
import { onRequestEvent } from '../live.js';
import { setParams } from '../app.js';

const FILTERS = ['account', 'model', 'status', 'outcome'];
const MAX_ROWS = 1000;

function matches(r, f) {
  if (f.account && (r.accountUsed || '') !== f.account) return false;
  if (f.model && !(r.model || '').includes(f.model)) return false;
  if (f.status && String(r.statusCode) !== f.status && !(f.status.endsWith('xx') && String(r.statusCode)[0] === f.status[0])) return false;
  if (f.outcome && r.outcome !== f.outcome) return false;
  return true;
}

function tokens(r) {
  const t = r.totalTokens ?? ((r.promptTokens || 0) + (r.completionTokens || 0));
  return t ? num(t) : '—';
}

export default async function requests(main, { params }) {
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  let limit = Math.min(MAX_ROWS, Number(params.get('limit')) || 200);
  const tbody = h('tbody');
  const status = h('div', { class: 'status-area' });
  const count = h('span', { class: 'muted', role: 'status' });
  const form = h('form', { id: 'request-filters', class: 'filters' },
    h('label', null, 'Account ', h('input', { name: 'account', value: f.account, size: 12 })),
    h('label', null, 'Model ', h('input', { name: 'model', value: f.model, size: 14 })),
    h('label', null, 'Status ', h('input', { name: 'status', value: f.status, size: 5, placeholder: '200, 4xx' })),
    h('label', null, 'Outcome ', h('input', { name: 'outcome', value: f.outcome, size: 10 })),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of FILTERS) { const v = form.elements[k].value.trim(); if (v) p.set(k, v); }
    location.hash = '#/requests' + (p.toString() ? '?' + p : '');
  });
  const older = h('button', { type: 'button', id: 'older' }, 'Load older');
  const table = h('table', { id: 'requests', class: 'data clickable' },
    h('thead', null, h('tr', null, ['Time', 'Account', 'Model', 'Status', 'Outcome', 'Tokens', 'Cost', 'Duration']
      .map((c) => h('th', { scope: 'col' }, c)))), tbody);

  function open(id) { location.hash = '#/requests/' + encodeURIComponent(id); }

  function rowOf(r) {
    const tr = h('tr', { tabindex: 0, dataset: { requestId: r.id }, class: r.inFlight ? 'in-flight' : r.success ? '' : 'failed' },
      h('td', { class: 'time' }, time(r.timestamp ?? r.ts)),
      h('td', { class: 'account' }, r.accountUsed || (r.inFlight ? '…' : 'pass-through')),
      h('td', { class: 'model' }, r.model || (r.inFlight ? r.path : '—')),
      h('td', { class: 'status num' }, r.inFlight ? 'in flight' : String(r.statusCode)),
      h('td', { class: 'outcome' }, r.inFlight ? '' : r.outcome),
      h('td', { class: 'tokens num' }, r.inFlight ? '' : tokens(r)),
      h('td', { class: 'cost num' }, r.inFlight || r.costUsd == null ? '' : money(r.costUsd)),
      h('td', { class: 'duration num' }, r.inFlight ? '' : ms(r.responseTimeMs)));
    tr.addEventListener('click', () => open(r.id));
    tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(r.id); });
    return tr;
  }

  const byId = new Map();
  function put(r, atTop) {
    const old = byId.get(r.id);
    const tr = rowOf(r);
    if (old) old.replaceWith(tr);
    else if (atTop) tbody.prepend(tr);
    else tbody.append(tr);
    byId.set(r.id, tr);
    while (tbody.children.length > MAX_ROWS) { const last = tbody.lastElementChild; byId.delete(last.dataset.requestId); last.remove(); }
  }

  async function load() {
    status.replaceChildren();
    const list = await get('/api/requests?limit=' + limit);
    tbody.replaceChildren();
    byId.clear();
    const shown = list.filter((r) => matches(r, f));
    shown.forEach((r) => put(r, false));
    count.textContent = shown.length + ' of the latest ' + list.length + ' requests' + (FILTERS.some((k) => f[k]) ? ' match' : '');
    older.hidden = list.length < limit || limit >= MAX_ROWS;
  }
  older.addEventListener('click', async () => {
    limit = Math.min(MAX_ROWS, limit + 200);
    const p = new URLSearchParams(params); p.set('limit', String(limit)); setParams(p);
    try { await load(); } catch (e) { status.append(alertBox(e.message)); }
  });

  main.append(h('div', { class: 'toolbar' }, h('h1', null, 'Requests'), count), form, status, h('div', { class: 'scroll' }, table), older);
  await load();
  const off = onRequestEvent((m) => {
    if (m.type === 'start' && !FILTERS.some((k) => f[k])) put({ id: m.id, ts: m.ts, path: m.path, inFlight: true }, true);
    else if (m.type === 'summary') {
      if (matches(m, f)) put(m, !byId.has(m.id));
      else if (byId.has(m.id)) { byId.get(m.id).remove(); byId.delete(m.id); }
    } else if (m.type === 'dropped') status.replaceChildren(alertBox(m.count + ' live events were lost; reload for the full list.'));
  });
  return off;
}
