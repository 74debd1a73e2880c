import { h, alertBox } from '../dom.js';
import { get } from '../api.js';
import { num, money, ms, full } from '../format.js';
import { conversation } from '../conversation.js';

function decode(part) {
  if (!part || part.body == null) return '';
  if (part.bodyEncoding === 'base64') { try { return atob(part.body); } catch { return ''; } }
  return part.body;
}

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v != null && v !== '').flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

export default async function detail(main, { arg }) {
  const r = await get('/api/requests/' + encodeURIComponent(arg));
  const section = h('section', { id: 'request-detail' });
  section.append(
    h('div', { class: 'toolbar' }, h('a', { href: '#/requests', class: 'back' }, '← Requests'), h('h1', null, 'Request ' + r.id.slice(0, 8))),
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', null, 'Request'), facts([
        ['Received', full(r.timestamp)], ['Route', r.method + ' ' + r.path], ['Account', r.accountUsed || 'pass-through'],
        ['Model', r.model], ['Status', r.statusCode + (r.success ? '' : ' (failed)')], ['Outcome', r.outcome],
        ['Error', r.errorMessage], ['Attempts', r.attempts], ['Failovers', r.failoverAttempts], ['Client', r.userAgent]])),
      h('section', { class: 'panel' }, h('h2', null, 'Timings'), facts([
        ['Upstream first byte', ms(r.upstreamTtfbMs)], ['Client first byte', ms(r.ttfbMs)], ['Total', ms(r.responseTimeMs)],
        ['Proxy overhead', ms(r.proxyOverheadMs)], ['Output speed', r.tokensPerSecond == null ? null : r.tokensPerSecond.toFixed(1) + ' tok/s']])),
      h('section', { class: 'panel' }, h('h2', null, 'Usage and cost'), facts([
        ['Input', num(r.inputTokens || 0)], ['Cache read', num(r.cacheReadInputTokens || 0)], ['Cache write', num(r.cacheCreationInputTokens || 0)],
        ['Output', num(r.outputTokens || 0)], ['Reasoning', r.reasoningTokens ? num(r.reasoningTokens) : null],
        ['Cost', r.costUsd == null ? '—' : money(r.costUsd)]]))));
  const conv = h('div', { class: 'conversation' });
  section.append(h('section', { class: 'panel' }, h('h2', null, 'Conversation'), conv));
  if (!r.payload) {
    conv.append(h('p', { class: 'muted' }, 'No payload stored for this request (capture off, shed, or past its retention).'));
  } else {
    const turns = conversation(decode(r.payload.request), decode(r.payload.response), r.payload.streamed);
    if (r.payload.truncated) conv.append(h('p', { class: 'muted' }, 'The stored payload was cut at the capture limit.'));
    for (const t of turns) {
      conv.append(h('article', { class: 'turn', dataset: { role: t.role } }, h('header', null, t.role),
        t.blocks.map((b) => h('div', { class: b.kind === 'text' ? 'text' : b.kind },
          b.kind === 'tool-call' ? h('div', { class: 'tool-name' }, 'tool call: ' + (b.name || '?')) : null,
          b.kind === 'tool-result' ? h('div', { class: 'tool-name' }, 'tool result') : null,
          b.kind === 'thinking' ? h('div', { class: 'tool-name' }, 'thinking') : null,
          h('pre', null, b.text || '')))));
    }
    if (!turns.length) conv.append(h('p', { class: 'muted' }, 'The payload has no conversation this page can read.'));
    section.append(h('details', { class: 'panel raw' }, h('summary', null, 'Raw request and response'),
      h('h3', null, 'Request body'), h('pre', null, decode(r.payload.request)),
      h('h3', null, 'Response body'), h('pre', null, decode(r.payload.response))));
  }
  main.append(section);
}
