import { h } from '../dom.js';
import { Feed } from '../live.js';
import { setParams } from '../app.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const MAX_LINES = 1000;

export default async function logs(main, { params }) {
  let min = LEVELS.includes(params.get('level')) ? params.get('level') : 'INFO';
  let paused = false;
  let held = [];
  const lines = h('ol', { id: 'log-lines', class: 'log' });
  const level = h('select', { id: 'log-level', 'aria-label': 'Minimum level' }, LEVELS.map((l) => h('option', { value: l, selected: l === min }, l)));
  const pause = h('button', { type: 'button', id: 'log-pause', 'aria-pressed': 'false' }, 'Pause');
  const note = h('span', { class: 'muted', role: 'status' });
  const shown = (e) => LEVELS.indexOf(e.level) >= LEVELS.indexOf(min);
  const lineOf = (e) => h('li', { class: 'log-line', dataset: { level: e.level }, hidden: !shown(e) },
    h('time', null, new Date(e.ts).toLocaleTimeString()), ' ', h('span', { class: 'level' }, e.level), ' ',
    h('span', { class: 'logger' }, e.logger), ' ', h('span', { class: 'msg' }, e.msg));
  function add(e) {
    const atBottom = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 8;
    lines.append(lineOf(e));
    while (lines.children.length > MAX_LINES) lines.firstElementChild.remove();
    if (atBottom) lines.scrollTop = lines.scrollHeight;
  }
  level.addEventListener('change', () => {
    min = level.value;
    const p = new URLSearchParams(); p.set('level', min); setParams(p);
    for (const li of lines.children) li.hidden = LEVELS.indexOf(li.dataset.level) < LEVELS.indexOf(min);
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Follow' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) { held.forEach(add); held = []; note.textContent = ''; }
  });
  main.append(h('div', { class: 'toolbar' }, h('h1', null, 'Logs'), h('label', null, 'Level ', level), pause, note), lines);
  const feed = new Feed('/ws/logs?tail=200', (e) => {
    if (e.type !== 'log') return;
    if (paused) { held.push(e); if (held.length > MAX_LINES) held.shift(); note.textContent = held.length + ' new lines held'; } else add(e);
  }, { onOpen: () => { lines.replaceChildren(); } });
  return () => feed.close();
}
