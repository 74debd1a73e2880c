import { h } from '../dom.js';
import { get } from '../api.js';
import { num, money, ms, pct } from '../format.js';
import { timeChart } from '../chart.js';
import { RANGES } from './overview.js';
import { keySelect } from './requests.js';

function table(id, head, rows) {
  return h('table', { id, class: 'data' }, h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows.length ? rows.map((r) => h('tr', null, r.map((c, i) => h('td', { class: i ? 'num' : '' }, c))))
      : h('tr', null, h('td', { colspan: head.length, class: 'muted' }, 'Nothing in this range.'))));
}

export default async function analytics(main, { params }) {
  const range = RANGES[params.get('range')] ? params.get('range') : '24h';
  const cumulative = params.get('mode') === 'cumulative';
  const account = params.get('accounts') || '';
  const model = params.get('models') || '';
  const key = params.get('key') || '';
  const q = new URLSearchParams({ range, mode: cumulative ? 'cumulative' : 'normal' });
  if (account) q.set('accounts', account);
  if (model) q.set('models', model);
  if (key) q.set('key', key);
  const keys = await get('/api/keys').catch(() => []);
  const form = h('form', { id: 'analytics-filters', class: 'filters' },
    h('label', null, 'Range ', h('select', { name: 'range' }, Object.keys(RANGES).map((r) => h('option', { value: r, selected: r === range }, r)))),
    h('label', null, 'Accounts ', h('input', { name: 'accounts', value: account, size: 14, placeholder: 'all' })),
    h('label', null, 'Models ', h('input', { name: 'models', value: model, size: 18, placeholder: 'all' })),
    keySelect(keys, key),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'cumulative', checked: cumulative }), ' cumulative'),
    h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ range: form.elements.range.value });
    if (form.elements.accounts.value.trim()) p.set('accounts', form.elements.accounts.value.trim());
    if (form.elements.models.value.trim()) p.set('models', form.elements.models.value.trim());
    if (form.elements.key.value) p.set('key', form.elements.key.value);
    if (form.elements.cumulative.checked) p.set('mode', 'cumulative');
    location.hash = '#/analytics?' + p;
  });
  main.append(h('div', { class: 'toolbar' }, h('h1', null, 'Analytics')), form);
  const an = await get('/api/analytics?' + q);
  const t = an.totals;
  const chartBox = h('div', { class: 'chart' });
  main.append(
    h('p', { class: 'summary' }, num(t.requests) + ' requests · ' + pct(t.successRate) + ' success · ' + num(t.totalTokens) + ' tokens · '
      + money(t.totalCostUsd) + ' · ' + an.meta.bucket + ' buckets' + (an.meta.cumulative ? ' · cumulative' : '')),
    h('section', { class: 'panel' }, h('h2', null, 'Requests, tokens and cost over time'), chartBox),
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', null, 'Cost by model'),
        table('cost-by-model', ['Model', 'Cost', 'Requests', 'Tokens'], an.costByModel.map((m) => [m.model, money(m.costUsd), num(m.requests), num(m.totalTokens)]))),
      h('section', { class: 'panel' }, h('h2', null, 'Per account'),
        table('per-account', ['Account', 'Requests', 'Success'], an.accountPerformance.map((a) => [a.name, num(a.requests), pct(a.successRate)]))),
      h('section', { class: 'panel' }, h('h2', null, 'Per model'),
        table('per-model', ['Model', 'Requests'], an.modelDistribution.map((m) => [m.model, num(m.count)]))),
      h('section', { class: 'panel' }, h('h2', null, 'Model performance'),
        table('model-performance', ['Model', 'Avg', 'p95', 'Errors', 'Speed'], an.modelPerformance.map((m) => [m.model, ms(m.avgResponseTime),
          ms(m.p95ResponseTime), pct(m.errorRate, 1), m.avgTokensPerSecond == null ? '—' : m.avgTokensPerSecond.toFixed(1) + ' tok/s'])))));
  if (!an.timeSeries.length) { chartBox.append(h('p', { class: 'muted' }, 'Nothing in this range.')); return null; }
  return timeChart(chartBox, an.timeSeries.map((p) => p.ts), [
    { label: 'requests', values: an.timeSeries.map((p) => p.requests) },
    { label: 'tokens', values: an.timeSeries.map((p) => p.tokens) },
    { label: 'cost $', values: an.timeSeries.map((p) => p.costUsd) }], { yFormat: num, from: Date.now() - RANGES[range], to: Date.now() });
}
