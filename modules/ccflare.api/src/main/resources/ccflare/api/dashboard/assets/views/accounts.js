import { h, alertBox, ask } from '../dom.js';
import { get, post, patch, del } from '../api.js';
import { num, money, until, ago, hhmm, pct } from '../format.js';

const API_KEY_PROVIDERS = [['anthropic', 'Anthropic API key'], ['openai', 'OpenAI API key']];
const OAUTH_PROVIDERS = [['claude-code', 'Claude subscription (Claude Code)'], ['codex', 'ChatGPT subscription (Codex)']];

/** The account's state, as one word people read, and a detail. */
export function stateOf(a) {
  if (a.paused) return ['paused', ''];
  if (a.needsReauth || !a.hasCredentials) return ['needs re-auth', a.hasCredentials ? 'sign in again' : 'no credentials'];
  const reset = a.rateLimitReset ? Date.parse(a.rateLimitReset) : 0;
  const s = a.rateLimitStatus || 'OK';
  if (/^(rate_limited|overloaded|cooling|rejected|blocked)/i.test(s) || (reset > Date.now() && !/^(OK|allowed)/i.test(s))) {
    return ['cooling', s + (reset > Date.now() ? ', ready ' + until(reset) : '')];
  }
  return ['active', /^OK$/i.test(s) ? '' : s];
}

/**
 * When the window fills at the pace used so far: the window began (length) before its reset, and
 * `used` percent of it went in the time since; null when it will reset first or nothing is known.
 */
export function forecast(usedPct, resetIso, lengthMs, now = Date.now()) {
  if (usedPct == null || !resetIso) return null;
  const reset = Date.parse(resetIso);
  const start = reset - lengthMs;
  const elapsed = now - start;
  if (usedPct <= 0 || elapsed <= 0) return null;
  if (usedPct >= 100) return now;
  const full = start + (elapsed * 100) / usedPct;
  return full < reset ? full : null;
}

function bar(label, used, reset) {
  if (used == null) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'window' },
    h('meter', { min: 0, max: 100, low: 70, high: 90, optimum: 0, value: Math.max(0, Math.min(100, used)), 'aria-label': label + ' used' }),
    ' ', pct(used), reset ? h('span', { class: 'muted' }, ' resets ' + hhmm(reset)) : null);
}

export default async function accounts(main) {
  const status = h('div', { class: 'status-area' });
  const tbody = h('tbody');
  const table = h('table', { id: 'accounts', class: 'data' },
    h('thead', null, h('tr', null, ['Name', 'Provider', 'Priority', 'State', '5 h window', '7 d window', 'Limit at this rate',
      'Requests', 'Cost', 'Last used', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), tbody);

  async function act(fn, done) {
    status.replaceChildren();
    try { await fn(); if (done) status.append(h('p', { class: 'ok', role: 'status' }, done)); } catch (e) { status.append(alertBox(e.message)); }
    await refresh();
  }

  function row(a, share) {
    const [state, detail] = stateOf(a);
    const name = encodeURIComponent(a.name);
    const f5 = forecast(a.usage5h, a.usage5hReset, 5 * 3600e3);
    const f7 = forecast(a.usage7d, a.usage7dReset, 7 * 86400e3);
    const soonest = [f5, f7].filter((x) => x != null).sort((x, y) => x - y)[0];
    const buttons = [
      a.paused
        ? h('button', { type: 'button', dataset: { action: 'resume' }, onclick: () => act(() => post('/api/accounts/' + name + '/resume'), a.name + ' resumed') }, 'Resume')
        : h('button', { type: 'button', dataset: { action: 'pause' }, onclick: () => act(() => post('/api/accounts/' + name + '/pause'), a.name + ' paused') }, 'Pause'),
      h('button', { type: 'button', dataset: { action: 'rename' }, onclick: async () => {
        const v = await ask('New name for ' + a.name, { label: 'Name', value: a.name });
        if (v != null && v !== a.name) act(() => post('/api/accounts/' + name + '/rename', { name: v }), 'renamed to ' + v);
      } }, 'Rename'),
      h('button', { type: 'button', dataset: { action: 'priority' }, onclick: async () => {
        const v = await ask('Priority of ' + a.name + ' (lower is tried first)', { label: 'Priority', value: String(a.priority), type: 'number' });
        if (v != null) act(() => post('/api/accounts/' + name + '/priority', { priority: Number(v) }), a.name + ' priority ' + v);
      } }, 'Priority'),
      OAUTH_PROVIDERS.some(([p]) => p === a.provider)
        ? h('button', { type: 'button', class: a.needsReauth ? 'primary' : null, dataset: { action: 'reauth' },
          title: 'Sign in to ' + a.provider + ' again; the account keeps its name, priority and history',
          onclick: () => signIn(a.provider, a.name, () => post('/api/accounts/' + name + '/reauthenticate'), true) }, 'Sign in again')
        : null,
      h('button', { type: 'button', class: 'danger', dataset: { action: 'remove' }, onclick: async () => {
        const v = await ask('Remove ' + a.name + '? Its request history stays. Type its name to confirm.', { label: 'Name', mustEqual: a.name });
        if (v === a.name) act(() => del('/api/accounts/' + name), a.name + ' removed');
      } }, 'Remove'),
    ];
    return h('tr', { dataset: { account: a.name } },
      h('th', { scope: 'row', class: 'name' }, a.name),
      h('td', { class: 'provider' }, a.provider),
      h('td', { class: 'priority num' }, a.priority),
      h('td', { class: 'state' }, h('span', { class: 'badge ' + state.replace(/\W+/g, '-') }, state), detail ? ' ' + detail : ''),
      h('td', { class: 'usage5h' }, bar('5 h', a.usage5h, a.usage5hReset)),
      h('td', { class: 'usage7d' }, bar('7 d', a.usage7d, a.usage7dReset)),
      h('td', { class: 'forecast' }, soonest ? '~' + hhmm(soonest) : '—'),
      h('td', { class: 'requests num', title: num(a.requestCount) + ' since the last statistics reset' }, num(a.totalRequests)),
      h('td', { class: 'cost num', title: share ? num(share.totalTokens) + ' tokens since the last statistics reset' : null },
        share ? money(share.costUsd) : '—'),
      h('td', { class: 'last-used' }, ago(a.lastUsed)),
      h('td', { class: 'actions' }, h('div', { class: 'buttons' }, buttons)));
  }

  async function refresh() {
    const [list, stats] = await Promise.all([get('/api/accounts'), get('/api/stats')]);
    const shares = new Map((stats.accounts || []).map((s) => [s.name, s]));
    tbody.replaceChildren(...(list.length ? list.map((a) => row(a, shares.get(a.name)))
      : [h('tr', null, h('td', { colspan: 11, class: 'muted' }, 'No accounts yet: add one below.'))]));
  }

  // Add an API-key account.
  const form = h('form', { id: 'add-account', class: 'panel form' },
    h('h2', null, 'Add an API-key account'),
    h('label', null, 'Name ', h('input', { name: 'name', required: true, autocomplete: 'off', maxlength: 64 })),
    h('label', null, 'Provider ', h('select', { name: 'provider' }, API_KEY_PROVIDERS.map(([v, l]) => h('option', { value: v }, l)))),
    h('label', null, 'API key ', h('input', { name: 'apiKey', type: 'password', required: true, autocomplete: 'off' })),
    h('label', null, 'Priority ', h('input', { name: 'priority', type: 'number', value: 0, min: 0 })),
    h('button', { type: 'submit', class: 'primary' }, 'Add'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const body = { name: f.name.value.trim(), provider: f.provider.value, apiKey: f.apiKey.value.trim(), priority: Number(f.priority.value || 0) };
    act(async () => { await post('/api/accounts', body); form.reset(); }, body.name + ' added');
  });

  // Add a subscription account by signing in.
  const flowArea = h('div', { class: 'flow' });
  const oauth = h('form', { id: 'add-oauth', class: 'panel form' },
    h('h2', null, 'Add a subscription account'),
    h('label', null, 'Name ', h('input', { name: 'name', required: true, autocomplete: 'off', maxlength: 64 })),
    h('label', null, 'Subscription ', h('select', { name: 'provider' }, OAUTH_PROVIDERS.map(([v, l]) => h('option', { value: v }, l)))),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in…'), flowArea);
  oauth.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const provider = oauth.elements.provider.value;
    const accountName = oauth.elements.name.value.trim();
    signIn(provider, accountName, () => post('/api/auth/' + provider + '/init', { name: accountName }), false);
  });

  /** Runs a sign-in flow in the subscription form: begin() starts it (a new account, or an existing one again). */
  let currentFlow = 0; // a newer sign-in in the form ends an older one's polling
  async function signIn(provider, accountName, begin, again) {
    const mine = ++currentFlow;
    const current = () => mine === currentFlow && flowArea.isConnected;
    flowArea.replaceChildren();
    flowArea.append(h('p', { class: 'muted' }, again ? 'Signing ' + accountName + ' in again…' : 'Starting the sign-in…'));
    if (again) oauth.scrollIntoView({ block: 'nearest' });
    let start;
    try { start = await begin(); } catch (e) { if (current()) flowArea.replaceChildren(alertBox(e.message)); return; }
    if (!current()) return;
    flowArea.replaceChildren();
    const doneText = accountName + (again ? ' signed in again' : ' added');
    const code = h('input', { name: 'code', autocomplete: 'off', 'aria-label': 'Code' });
    const finish = h('button', { type: 'button', class: 'primary', dataset: { action: 'finish-sign-in' } }, 'Finish');
    const state = h('p', { role: 'status', class: 'muted' }, 'Waiting for the sign-in (until ' + hhmm(start.expiresAt) + ')…');
    flowArea.append(h('p', null, start.instructions),
      h('p', null, h('a', { href: start.authorizeUrl, target: '_blank', rel: 'noopener noreferrer', dataset: { authorize: '' } }, 'Open the provider\'s sign-in page')),
      h('label', null, 'Code or redirected address ', code), finish, state);
    const done = () => { clearInterval(poll); if (current()) flowArea.replaceChildren(h('p', { class: 'ok', role: 'status' }, doneText)); refresh(); };
    finish.addEventListener('click', async () => {
      try { await post('/api/auth/' + provider + '/complete', { flowId: start.flowId, code: code.value.trim() }); done(); }
      catch (e) { state.replaceChildren(alertBox(e.message)); }
    });
    const poll = setInterval(async () => {
      if (!current()) { clearInterval(poll); return; }
      try {
        const f = await get('/api/auth/flows/' + start.flowId);
        if (!current()) { clearInterval(poll); return; }
        if (f.status === 'completed') done();
        else if (f.status !== 'pending') { clearInterval(poll); state.replaceChildren(alertBox(f.error || f.status)); }
      } catch { /* the next poll tries again */ }
    }, 2000);
  }

  main.append(h('div', { class: 'toolbar' }, h('h1', null, 'Accounts')), status, h('div', { class: 'scroll' }, table), h('div', { class: 'forms' }, form, oauth));
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 15000);
  return () => clearInterval(timer);
}
