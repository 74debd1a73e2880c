// Number, money, duration and time formatting for people.
export function num(n) {
  if (n == null || Number.isNaN(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e9) return trim(n / 1e9) + 'G';
  if (a >= 1e6) return trim(n / 1e6) + 'M';
  if (a >= 1e3) return trim(n / 1e3) + 'k';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
function trim(x) { return (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)).replace(/\.0$/, ''); }

export function money(n) {
  if (n == null || Number.isNaN(n)) return '—';
  if (n === 0) return '$0';
  const a = Math.abs(n);
  if (a >= 100) return '$' + n.toFixed(0);
  if (a >= 1) return '$' + n.toFixed(2);
  if (a >= 0.01) return '$' + n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return '$' + n.toPrecision(3);
}

export function ms(n) {
  if (n == null || Number.isNaN(n)) return '—';
  if (n < 1000) return Math.round(n) + ' ms';
  if (n < 60000) return (n / 1000).toFixed(1) + ' s';
  const m = Math.floor(n / 60000), s = Math.round((n % 60000) / 1000);
  if (m < 60) return m + ' min' + (s ? ' ' + s + ' s' : '');
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

export function pct(n, digits = 0) {
  if (n == null || Number.isNaN(n)) return '—';
  return n.toFixed(digits) + '%';
}

export function rate(n) {
  if (n == null || Number.isNaN(n)) return '—';
  return n.toFixed(n >= 100 ? 0 : 1) + ' tok/s';
}

function toDate(t) { return t instanceof Date ? t : new Date(t); }

export function time(t) {
  if (t == null) return '—';
  const d = toDate(t);
  if (Number.isNaN(d.getTime())) return '—';
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function hhmm(t) {
  if (t == null) return '—';
  const d = toDate(t);
  const now = new Date();
  const s = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === now.toDateString() ? s
    : d.toLocaleDateString([], { weekday: 'short', day: 'numeric' }) + ' ' + s;
}

export function full(t) {
  if (t == null) return '—';
  return toDate(t).toLocaleString();
}

export function until(t) {
  if (t == null) return '';
  const diff = toDate(t).getTime() - Date.now();
  if (diff <= 0) return 'now';
  return 'in ' + ms(diff).replace(/ \d+ s$/, '');
}

export function ago(t) {
  if (t == null) return 'never';
  const diff = Date.now() - toDate(t).getTime();
  if (diff < 60000) return 'just now';
  return ms(diff).replace(/ \d+ s$/, '') + ' ago';
}
