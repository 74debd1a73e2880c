// A tiny element builder: h('td', {class: 'x', dataset: {id: 1}}, 'text', child). No innerHTML, so
// text from the daemon (model names, log lines, payloads) is never parsed as markup.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An alert showing an error's message (the API's own sentence). */
export function alertBox(message) {
  return h('p', { class: 'alert', role: 'alert' }, message);
}

/** Asks for a value in the page's <dialog id="prompt">; resolves to the text, or null when cancelled. */
export function ask(message, { label = 'Value', value = '', type = 'text', mustEqual = null } = {}) {
  const dialog = document.getElementById('prompt');
  const form = dialog.querySelector('form');
  const input = form.elements.value;
  const error = dialog.querySelector('.prompt-error');
  dialog.querySelector('.prompt-message').textContent = message;
  dialog.querySelector('.prompt-label').textContent = label;
  input.type = type;
  input.value = value;
  error.hidden = true;
  return new Promise((resolve) => {
    const onClose = () => {
      dialog.removeEventListener('close', onClose);
      resolve(dialog.returnValue === 'ok' ? input.value : null);
    };
    form.onsubmit = (ev) => {
      if (ev.submitter && ev.submitter.value === 'ok' && mustEqual != null && input.value !== mustEqual) {
        ev.preventDefault();
        error.textContent = 'Type ' + mustEqual + ' exactly to confirm.';
        error.hidden = false;
      }
    };
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
    input.select();
  });
}
