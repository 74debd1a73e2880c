// Rebuilds a conversation from a stored request body and its response (JSON, or SSE text), for
// the Anthropic Messages, OpenAI chat and Responses shapes. Pure: text in, turns out.

/** turns: [{role, blocks: [{kind: 'text'|'thinking'|'tool-call'|'tool-result', text, name}]}] */
export function conversation(requestBody, responseBody, streamed) {
  const turns = [];
  let req = null;
  try { req = requestBody ? JSON.parse(requestBody) : null; } catch { req = null; }
  if (req) {
    if (req.system) turns.push({ role: 'system', blocks: contentBlocks(req.system) });
    if (req.instructions) turns.push({ role: 'system', blocks: [{ kind: 'text', text: String(req.instructions) }] });
    for (const m of req.messages || []) {
      const role = m.role === 'developer' ? 'system' : m.role === 'tool' ? 'user' : m.role;
      const blocks = m.role === 'tool' ? [{ kind: 'tool-result', text: flatText(m.content) }] : contentBlocks(m.content);
      for (const c of m.tool_calls || []) blocks.push({ kind: 'tool-call', name: c.function && c.function.name, text: c.function && c.function.arguments });
      turns.push({ role, blocks });
    }
    const input = typeof req.input === 'string' ? [{ role: 'user', content: req.input }] : req.input || [];
    for (const item of input) {
      if (item.type === 'function_call') turns.push({ role: 'assistant', blocks: [{ kind: 'tool-call', name: item.name, text: item.arguments }] });
      else if (item.type === 'function_call_output') turns.push({ role: 'user', blocks: [{ kind: 'tool-result', text: flatText(item.output) }] });
      else if (item.role) turns.push({ role: item.role === 'developer' ? 'system' : item.role, blocks: contentBlocks(item.content) });
    }
  }
  const answer = streamed || (responseBody && /^\s*(event|data):/m.test(responseBody) && !/^\s*\{/.test(responseBody))
    ? fromSse(responseBody || '') : fromJson(responseBody);
  if (answer.length) turns.push({ role: 'assistant', blocks: answer });
  return turns;
}

function flatText(c) {
  if (c == null) return '';
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((b) => b.text ?? (typeof b.content === 'string' ? b.content : flatText(b.content)) ?? '').join('\n');
  return c.text ?? JSON.stringify(c);
}

function contentBlocks(c) {
  if (c == null) return [];
  if (typeof c === 'string') return [{ kind: 'text', text: c }];
  if (!Array.isArray(c)) return [{ kind: 'text', text: flatText(c) }];
  return c.map((b) => {
    switch (b.type) {
      case 'text': case 'input_text': case 'output_text': return { kind: 'text', text: b.text };
      case 'thinking': return { kind: 'thinking', text: b.thinking };
      case 'redacted_thinking': return { kind: 'thinking', text: '(redacted)' };
      case 'tool_use': return { kind: 'tool-call', name: b.name, text: JSON.stringify(b.input, null, 2) };
      case 'tool_result': return { kind: 'tool-result', text: flatText(b.content) };
      case 'image': case 'image_url': case 'input_image': return { kind: 'text', text: '[image]' };
      default: return { kind: 'text', text: b.text ?? '[' + (b.type || 'block') + ']' };
    }
  });
}

function fromJson(body) {
  let r;
  try { r = body ? JSON.parse(body) : null; } catch { return body ? [{ kind: 'text', text: body }] : []; }
  if (!r) return [];
  if (r.error) return [{ kind: 'text', text: 'error: ' + (r.error.message || JSON.stringify(r.error)) }];
  if (Array.isArray(r.content)) return contentBlocks(r.content);
  if (Array.isArray(r.choices)) {
    const m = (r.choices[0] || {}).message || {};
    const out = m.content ? [{ kind: 'text', text: m.content }] : [];
    for (const c of m.tool_calls || []) out.push({ kind: 'tool-call', name: c.function && c.function.name, text: c.function && c.function.arguments });
    return out;
  }
  if (Array.isArray(r.output)) {
    const out = [];
    for (const item of r.output) {
      if (item.type === 'message') out.push(...contentBlocks(item.content));
      else if (item.type === 'function_call') out.push({ kind: 'tool-call', name: item.name, text: item.arguments });
      else if (item.type === 'reasoning') out.push({ kind: 'thinking', text: (item.summary || []).map((s) => s.text).join('\n') });
    }
    return out;
  }
  return [];
}

function fromSse(text) {
  const blocks = [];
  const byIndex = new Map();
  let chat = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (!data || data === '[DONE]') continue;
    let e;
    try { e = JSON.parse(data); } catch { continue; }
    if (e.type === 'content_block_start') {
      const b = e.content_block || {};
      const block = b.type === 'thinking' ? { kind: 'thinking', text: b.thinking || '' }
        : b.type === 'tool_use' ? { kind: 'tool-call', name: b.name, text: '' } : { kind: 'text', text: b.text || '' };
      byIndex.set(e.index, block);
      blocks.push(block);
    } else if (e.type === 'content_block_delta') {
      const block = byIndex.get(e.index);
      const d = e.delta || {};
      if (block) block.text += d.text ?? d.thinking ?? d.partial_json ?? '';
    } else if (e.type === 'error') {
      blocks.push({ kind: 'text', text: 'error: ' + ((e.error && e.error.message) || data) });
    } else if (Array.isArray(e.choices)) {
      const d = (e.choices[0] || {}).delta || {};
      if (d.content) { if (!chat) { chat = { kind: 'text', text: '' }; blocks.push(chat); } chat.text += d.content; }
    } else if (e.type === 'response.output_text.delta') {
      if (!chat) { chat = { kind: 'text', text: '' }; blocks.push(chat); }
      chat.text += e.delta || '';
    }
  }
  return blocks;
}
