// The request history: filtered on the server, a page at a time (the cursor is the last row's id,
// in the URL as ?before=), so a history of any length stays a table of one page. The newest page
// also takes new rows live.
import { h, alertBox } from '../dom.js';
import { get } from '../api.js';
import { num, money, ms, time } from '../format.js';
import { onRequestEvent } from '../live.js';

const FILTERS = ['account', 'key', 'model', 'status', 'outcome', 'since'];
const OUTCOMES = ['ok', 'upstream_error', 'rate_limited', 'proxy_error', 'client_cancelled', 'mid_stream_reset',
  'stream_idle_timeout', 'rejected'];
const SINCE = [['', 'any time'], ['15m', 'last 15 min'], ['1h', 'last hour'], ['24h', 'last 24 h'], ['7d', 'last 7 days']];
export const PAGE = 100;
const MAX_LIVE_ROWS = 500; // the newest page grows with live rows up to this, then drops its oldest

/** Whether a live summary belongs in a list filtered by f (the server's rules, for rows that arrive live). */
function matches(r, f) {
  if (f.account && (f.account === 'no_account' ? r.accountUsed != null : r.accountUsed !== f.account && r.accountId !== f.account)) return false;
  if (f.key && (f.key === 'no_key' ? r.clientKeyId != null : r.clientKeyId !== f.key)) return false;
  if (f.model && !(r.model || '').toLowerCase().includes(f.model.toLowerCase())) return false;
  if (f.status) {
    const s = String(r.statusCode);
    if (/^[1-5]xx$/i.test(f.status) ? s[0] !== f.status[0] : s !== f.status) return false;
  }
  if (f.outcome && r.outcome !== f.outcome) return false;
  return true;
}

/** The client-key filter: any, none, or one key (by id); absent while no key is defined and none is chosen. */
export function keySelect(keys, chosen) {
  if (!keys.length && !chosen) return h('input', { type: 'hidden', name: 'key', value: '' });
  return h('label', null, 'Client key ', h('select', { name: 'key' }, h('option', { value: '' }, 'any'),
    h('option', { value: 'no_key', selected: chosen === 'no_key' }, 'none'),
    keys.map((k) => h('option', { value: k.id, selected: k.id === chosen || k.name === chosen }, k.name))));
}

function tokens(r) {
  const t = r.totalTokens ?? ((r.promptTokens || 0) + (r.completionTokens || 0));
  return t ? num(t) : '—';
}

function hashOf(params) {
  const q = params.toString();
  return '#/requests' + (q ? '?' + q : '');
}

export default async function requests(main, { params }) {
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const before = params.get('before');
  const filtered = FILTERS.some((k) => f[k]);
  const tbody = h('tbody');
  const status = h('div', { class: 'status-area' });
  const count = h('span', { class: 'muted', role: 'status' });
  const keys = await get('/api/keys').catch(() => []);
  const form = h('form', { id: 'request-filters', class: 'filters' },
    h('label', null, 'Account ', h('input', { name: 'account', value: f.account, size: 12, placeholder: 'name or no_account' })),
    keySelect(keys, f.key),
    h('label', null, 'Model ', h('input', { name: 'model', value: f.model, size: 14 })),
    h('label', null, 'Status ', h('input', { name: 'status', value: f.status, size: 5, placeholder: '200, 4xx' })),
    h('label', null, 'Outcome ', h('select', { name: 'outcome' }, h('option', { value: '' }, 'any'),
      OUTCOMES.map((o) => h('option', { value: o, selected: o === f.outcome }, o.replaceAll('_', ' '))))),
    h('label', null, 'Time ', h('select', { name: 'since' },
      SINCE.map(([v, label]) => h('option', { value: v, selected: v === f.since }, label)))),
    h('button', { type: 'submit' }, 'Filter'),
    filtered ? h('a', { href: '#/requests', class: 'button' }, 'Clear') : null);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of FILTERS) { const v = form.elements[k].value.trim(); if (v) p.set(k, v); }
    location.hash = hashOf(p);
  });
  const table = h('table', { id: 'requests', class: 'data clickable' },
    h('thead', null, h('tr', null, ['Time', 'Account', 'Model', 'Status', 'Outcome', 'Tokens', 'Cost', 'Duration']
      .map((c) => h('th', { scope: 'col' }, c)))), tbody);
  const latest = new URLSearchParams(params); latest.delete('before');
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

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
    return tr;
  }
  // One listener for the whole table, not two per row.
  tbody.addEventListener('click', (ev) => { const tr = ev.target.closest('tr[data-request-id]'); if (tr) open(tr.dataset.requestId); });
  tbody.addEventListener('keydown', (ev) => {
    const tr = ev.target.closest('tr[data-request-id]');
    if (!tr) return;
    if (ev.key === 'Enter') open(tr.dataset.requestId);
    else if (ev.key === 'ArrowDown' && tr.nextElementSibling) { ev.preventDefault(); tr.nextElementSibling.focus(); }
    else if (ev.key === 'ArrowUp' && tr.previousElementSibling) { ev.preventDefault(); tr.previousElementSibling.focus(); }
  });

  const byId = new Map();
  function put(r, atTop) {
    const old = byId.get(r.id);
    const tr = rowOf(r);
    if (old) old.replaceWith(tr);
    else if (atTop) tbody.prepend(tr);
    else tbody.append(tr);
    byId.set(r.id, tr);
    while (tbody.children.length > MAX_LIVE_ROWS) { const last = tbody.lastElementChild; byId.delete(last.dataset.requestId); last.remove(); }
  }

  const query = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) query.set(k, f[k]);
  query.set('limit', String(PAGE));
  if (before) query.set('before', before);
  const list = await get('/api/requests?' + query);
  const rows = document.createDocumentFragment();
  for (const r of list) { const tr = rowOf(r); byId.set(r.id, tr); rows.append(tr); }
  tbody.append(rows);
  const what = filtered ? 'matching requests' : 'requests';
  count.textContent = list.length === 0 ? 'No ' + what + (before ? ' older than that.' : ' yet.')
    : list.length + ' ' + what + (before ? ', older page' : ', newest first') + (list.length === PAGE ? '' : ' (all of them)');
  count.dataset.rows = String(list.length);
  if (before) pager.append(h('a', { href: hashOf(latest), id: 'newest', class: 'button' }, '⇤ Newest'));
  if (list.length === PAGE) {
    const next = new URLSearchParams(latest); next.set('before', list[list.length - 1].id);
    pager.append(h('a', { href: hashOf(next), id: 'older', class: 'button' }, 'Older →'));
  }

  main.append(h('div', { class: 'toolbar' }, h('h1', null, 'Requests'), count), form, status,
    h('div', { class: 'scroll' }, table), pager);
  if (before) return null; // an older page is history: nothing arrives live
  const off = onRequestEvent((m) => {
    if (m.type === 'start' && !filtered) put({ id: m.id, ts: m.ts, path: m.path, inFlight: true }, true);
    else if (m.type === 'summary') {
      if (matches(m, f)) put(m, !byId.has(m.id));
      else if (byId.has(m.id)) { byId.get(m.id).remove(); byId.delete(m.id); }
    } else if (m.type === 'dropped') status.replaceChildren(alertBox(m.count + ' live events were lost; reload for the full list.'));
  });
  return off;
}
