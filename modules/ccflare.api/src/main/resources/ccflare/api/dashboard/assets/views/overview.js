import { h } from '../dom.js';
import { get } from '../api.js';
import { num, money, ms, pct, rate, hhmm } from '../format.js';
import { onRequestEvent } from '../live.js';
import { timeChart } from '../chart.js';

export const RANGES = { '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

function tile(metric, label, value, note) {
  return h('div', { class: 'tile', dataset: { metric } }, h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value), note ? h('div', { class: 'note' }, note) : null);
}

export default async function overview(main, { params }) {
  const range = RANGES[params.get('range')] ? params.get('range') : '24h';
  const select = h('select', { id: 'range', 'aria-label': 'Range' },
    Object.keys(RANGES).map((r) => h('option', { value: r, selected: r === range }, 'last ' + r)));
  select.addEventListener('change', () => { location.hash = '#/overview?range=' + select.value; });
  const [an, stats] = await Promise.all([get('/api/analytics?range=' + range), get('/api/stats')]);
  const since = Date.now() - RANGES[range];
  const tb = an.tokenBreakdown || {};
  const cacheBase = (tb.inputTokens || 0) + (tb.cacheReadInputTokens || 0) + (tb.cacheCreationInputTokens || 0);
  const t = an.totals;
  const liveTile = tile('liveRate', 'Live', '0 / min', 'requests finished in the last minute');
  const tiles = h('div', { class: 'tiles' },
    tile('requests', 'Requests', num(t.requests)),
    tile('success', 'Success rate', t.requests ? pct(t.successRate) : '—'),
    tile('tokens', 'Tokens', num(t.totalTokens),
      'in ' + num(tb.inputTokens || 0) + ' · cache read ' + num(tb.cacheReadInputTokens || 0) + ' · cache write '
        + num(tb.cacheCreationInputTokens || 0) + ' · out ' + num(tb.outputTokens || 0)),
    tile('cost', 'Cost', money(t.totalCostUsd)),
    tile('tokensPerSecond', 'Output speed', rate(t.avgTokensPerSecond)),
    tile('p50', 'p50 latency', ms(t.p50ResponseTime), t.requests ? 'of ' + num(t.requests) + ' requests' : null),
    tile('p95', 'p95 latency', ms(t.p95ResponseTime)),
    tile('cacheHit', 'Cache hit rate', cacheBase ? pct((100 * (tb.cacheReadInputTokens || 0)) / cacheBase, 1) : '—'),
    liveTile);
  const xs = an.timeSeries.map((p) => p.ts);
  const reqBox = h('div', { class: 'chart', 'aria-label': 'Requests over time' });
  const tokBox = h('div', { class: 'chart', 'aria-label': 'Tokens over time' });
  const errors = (stats.recentErrors || []).slice(0, 5);
  main.append(
    h('div', { class: 'toolbar' }, h('h1', null, 'Overview'), select),
    tiles,
    h('section', { class: 'panel' }, h('h2', null, 'Requests and success rate (' + an.meta.bucket + ' buckets)'), reqBox),
    h('section', { class: 'panel' }, h('h2', null, 'Tokens and cost'), tokBox),
    h('section', { class: 'panel' }, h('h2', null, 'Recent errors'),
      errors.length ? h('ul', { class: 'errors' }, errors.map((e) => h('li', null, e))) : h('p', { class: 'muted' }, 'None.')));
  const disposers = [];
  if (xs.length) {
    disposers.push(timeChart(reqBox, xs, [{ label: 'requests', values: an.timeSeries.map((p) => p.requests) },
      { label: 'success %', values: an.timeSeries.map((p) => p.successRate) }], { yFormat: num, from: since, to: Date.now() }));
    disposers.push(timeChart(tokBox, xs, [{ label: 'tokens', values: an.timeSeries.map((p) => p.tokens) },
      { label: 'cost $', values: an.timeSeries.map((p) => p.costUsd) }], { yFormat: num, from: since, to: Date.now() }));
  } else {
    reqBox.append(h('p', { class: 'muted' }, 'No requests in the last ' + range + '.'));
    tokBox.append(h('p', { class: 'muted' }, 'No tokens in the last ' + range + ' (since ' + hhmm(since) + ').'));
  }
  const finished = [];
  const tick = () => {
    const cut = Date.now() - 60e3;
    while (finished.length && finished[0] < cut) finished.shift();
    liveTile.querySelector('.value').textContent = finished.length + ' / min';
  };
  const off = onRequestEvent((m) => { if (m.type === 'summary') { finished.push(Date.now()); tick(); } });
  const timer = setInterval(tick, 5000);
  return () => { off(); clearInterval(timer); disposers.forEach((d) => d()); };
}
