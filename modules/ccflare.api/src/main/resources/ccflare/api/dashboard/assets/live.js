// WebSocket feeds with auto-reconnect and exponential backoff; a shared connection indicator.
const feeds = new Set();

function wsUrl(path) {
  return (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + path;
}

export function updateIndicator() {
  const el = document.getElementById('live-status');
  if (!el) return;
  let state = 'disconnected';
  if (feeds.size === 0) state = lastState || 'connecting';
  else {
    const states = [...feeds].map((f) => f.state);
    if (states.every((s) => s === 'live')) state = 'live';
    else if (states.some((s) => s === 'connecting')) state = 'connecting';
    else state = 'disconnected';
  }
  lastState = state;
  el.dataset.state = state;
  el.textContent = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'disconnected — retrying';
}
let lastState = null;

export class Feed {
  constructor(path, onMessage, { onOpen } = {}) {
    this.path = path; this.onMessage = onMessage; this.onOpen = onOpen;
    this.delay = 500; this.closed = false; this.state = 'connecting'; this.ws = null; this.timer = null;
    feeds.add(this);
    this.connect();
  }
  connect() {
    if (this.closed) return;
    this.setState('connecting');
    let ws;
    try { ws = new WebSocket(wsUrl(this.path)); } catch { this.retry(); return; }
    this.ws = ws;
    ws.onopen = () => { this.delay = 500; this.setState('live'); if (this.onOpen) this.onOpen(); };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      try { this.onMessage(msg); } catch (e) { console.warn('live handler failed', e); }
    };
    ws.onerror = () => {};
    ws.onclose = () => { if (this.ws === ws) { this.ws = null; this.retry(); } };
  }
  retry() {
    if (this.closed) return;
    this.setState('disconnected');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, 10000);
  }
  setState(s) { this.state = s; updateIndicator(); }
  close() {
    this.closed = true; clearTimeout(this.timer);
    feeds.delete(this);
    if (this.ws) { const w = this.ws; this.ws = null; w.onclose = null; try { w.close(); } catch { /* ignore */ } }
    updateIndicator();
  }
}

// The page keeps one requests feed open all the time (the indicator, live rows); views subscribe.
const reqListeners = new Set();
let reqFeed = null;
export function requestsFeed() {
  if (!reqFeed) reqFeed = new Feed('/ws/requests', (m) => { for (const l of reqListeners) l(m); });
  return reqFeed;
}
export function onRequestEvent(fn) { requestsFeed(); reqListeners.add(fn); return () => reqListeners.delete(fn); }
