import { h, alertBox } from '../dom.js';
import { get, patch } from '../api.js';

export default async function settings(main) {
  const cfg = await get('/api/config');
  const status = h('div', { class: 'status-area' });
  const form = h('form', { id: 'settings', class: 'panel form settings' });
  const fields = new Map();
  for (const [key, value] of Object.entries(cfg)) {
    const editable = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    const input = typeof value === 'boolean'
      ? h('input', { type: 'checkbox', name: key, id: 'cfg-' + key, checked: value })
      : h('input', { name: key, id: 'cfg-' + key, value: value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : value,
        type: typeof value === 'number' ? 'number' : 'text', readonly: !editable, step: typeof value === 'number' ? 'any' : null });
    const error = h('span', { class: 'field-error', role: 'alert', hidden: true });
    fields.set(key, { input, error, original: value });
    form.append(h('div', { class: 'field' }, h('label', { for: 'cfg-' + key }, key), input, error));
  }
  form.append(h('button', { type: 'submit', class: 'primary' }, 'Save'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    const changes = {};
    for (const [key, f] of fields) {
      f.error.hidden = true;
      if (f.input.readOnly) continue;
      const v = f.input.type === 'checkbox' ? f.input.checked : f.input.type === 'number' ? (f.input.value === '' ? null : Number(f.input.value)) : f.input.value;
      if (v !== f.original && !(f.original == null && v === '')) changes[key] = v;
    }
    if (!Object.keys(changes).length) { status.append(h('p', { class: 'muted', role: 'status' }, 'Nothing changed.')); return; }
    try {
      const saved = await patch('/api/config', changes);
      for (const [key, f] of fields) if (key in saved) f.original = saved[key];
      status.append(h('p', { class: 'ok', role: 'status' }, 'Saved: ' + Object.keys(changes).join(', ')));
    } catch (e) {
      const key = [...fields.keys()].find((k) => e.message.startsWith(k + ':') || e.message.includes("'" + k + "'"));
      if (key) { const f = fields.get(key); f.error.textContent = e.message; f.error.hidden = false; f.input.focus(); }
      else status.append(alertBox(e.message));
    }
  });
  main.append(h('div', { class: 'toolbar' }, h('h1', null, 'Settings')),
    h('p', { class: 'muted' }, 'Runtime settings of the daemon (GET/PATCH /api/config). Changes apply at once.'), status, form);
}
