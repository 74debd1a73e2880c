// The dashboard's router: one view at a time in <main id="view">, chosen by the hash
// (#/view/arg?query), so a reload or a shared link shows the same view.
import { h, alertBox } from './dom.js';
import { requestsFeed } from './live.js';
import overview from './views/overview.js';
import accounts from './views/accounts.js';
import requests from './views/requests.js';
import detail from './views/detail.js';
import analytics from './views/analytics.js';
import logs from './views/logs.js';
import settings from './views/settings.js';

const VIEWS = { overview, accounts, requests, analytics, logs, settings };
const main = document.getElementById('view');
let current = null;   // {name, dispose}
let generation = 0;

export function route() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  let name = parts[0] || 'overview';
  let view = VIEWS[name];
  let arg = parts[1] ? decodeURIComponent(parts[1]) : null;
  if (name === 'requests' && arg) view = detail;
  if (!view) { name = 'overview'; view = overview; arg = null; }
  return { name, view, arg, params: new URLSearchParams(query) };
}

/** Sets the query of the current view's address without adding a history entry. */
export function setParams(params) {
  const { name, arg } = route();
  const q = params.toString();
  history.replaceState(null, '', '#/' + name + (arg ? '/' + encodeURIComponent(arg) : '') + (q ? '?' + q : ''));
}

async function show() {
  const r = route();
  const mine = ++generation;
  if (current && current.dispose) { try { current.dispose(); } catch (e) { console.warn(e); } }
  current = null;
  main.replaceChildren();
  main.dataset.view = r.name;
  delete main.dataset.ready;
  for (const a of document.querySelectorAll('nav a[data-view]')) {
    if (a.dataset.view === r.name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = r.name[0].toUpperCase() + r.name.slice(1) + ' · ccflare';
  try {
    const dispose = await r.view(main, r);
    if (mine !== generation) { if (dispose) dispose(); return; }
    current = { name: r.name, dispose };
  } catch (e) {
    if (mine !== generation) return;
    main.append(alertBox(e.message || String(e)));
  }
  if (mine === generation) {
    main.dataset.ready = 'true';
    // The browser tests read this mark: the time from navigation start to a usable view.
    performance.mark('ccflare:ready:' + r.name);
  }
}

// Theme: auto (the system's), light, dark; remembered.
const THEMES = ['auto', 'light', 'dark'];
function applyTheme(t) {
  if (t === 'auto') delete document.documentElement.dataset.theme; else document.documentElement.dataset.theme = t;
  document.getElementById('theme').textContent = 'Theme: ' + t;
}
let theme = localStorage.getItem('ccflare.theme') || 'auto';
if (!THEMES.includes(theme)) theme = 'auto';
applyTheme(theme);
document.getElementById('theme').addEventListener('click', () => {
  theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  localStorage.setItem('ccflare.theme', theme);
  applyTheme(theme);
});

window.addEventListener('hashchange', show);
requestsFeed();
if (!location.hash) history.replaceState(null, '', '#/overview');
show();
