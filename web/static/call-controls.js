// The call controls of the contract pages (/meetings/, /live/), in the room page's look: microphone,
// camera (for those who publish) and chat, for whichever AtriumClient the page has joined with.
// Plain ES module; uses only the SDK's public methods and events.

import { AtriumError } from '/atrium.js';

const icon = name => `<svg class="icon" aria-hidden="true"><use href="/icons.svg#${name}"></use></svg>`;

/**
 * Adds the controls to `container` and returns `attach(client)`, to call with each client the page
 * joins with (a live event's role change makes a new one). `say(text)` shows a failure.
 * @param {HTMLElement} container @param {(text: string) => void} say
 */
export function callControls(container, say) {
  container.classList.add('call-controls');
  container.innerHTML = `
    <div class="call-buttons" role="group" aria-label="Call controls">
      <button type="button" data-control="mic" aria-pressed="false" title="Mute (M)" aria-keyshortcuts="M">${icon('mic')}<span class="label">Mute</span></button>
      <button type="button" data-control="cam" aria-pressed="false" title="Stop video (V)" aria-keyshortcuts="V">${icon('cam')}<span class="label">Stop video</span></button>
      <button type="button" data-control="chat" aria-expanded="false" title="Chat">${icon('chat')}<span class="label">Chat</span><span class="badge" hidden></span></button>
    </div>
    <section class="chat-panel" hidden aria-label="Chat">
      <ol class="chat-log" aria-live="polite"></ol>
      <form class="chat-form">
        <label class="visually-hidden" for="chat-input">Message</label>
        <input id="chat-input" name="text" maxlength="4000" autocomplete="off" placeholder="Message everyone" required>
        <button type="submit">Send</button>
      </form>
    </section>`;
  const q = s => container.querySelector(s);
  const mic = q('[data-control=mic]'), cam = q('[data-control=cam]'), chat = q('[data-control=chat]');
  const panel = q('.chat-panel'), log = q('.chat-log'), badge = q('.badge');
  /** @type {import('/atrium.js').AtriumClient|null} */
  let client = null;
  let unread = 0;
  const seen = new Set();

  function sync() {
    const l = client?.local;
    const publishing = !!client && !client.receiveOnly;
    mic.hidden = cam.hidden = !publishing;
    if (!publishing) return;
    for (const [b, muted, on, off, iconOn, iconOff] of [[mic, l.audioMuted, 'Mute', 'Unmute', 'mic', 'mic-off'],
      [cam, l.videoMuted, 'Stop video', 'Start video', 'cam', 'cam-off']]) {
      b.setAttribute('aria-pressed', String(muted));
      b.classList.toggle('off', muted);
      b.querySelector('.label').textContent = muted ? off : on;
      b.querySelector('use').setAttribute('href', `/icons.svg#${muted ? iconOff : iconOn}`);
    }
  }

  function addMessage(m, live) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const li = document.createElement('li');
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = m.member === client?.callId ? 'You' : m.name;
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = m.text;
    li.append(meta, text);
    log.append(li);
    if (!panel.hidden) li.scrollIntoView({ block: 'end' });
    else if (live && m.member !== client?.callId) {
      unread++;
      badge.hidden = false;
      badge.textContent = String(unread);
      chat.setAttribute('aria-label', `Chat, ${unread} unread`);
    }
  }

  async function guarded(fn) {
    try {
      await fn();
    } catch (e) {
      say(e instanceof AtriumError && e.reason === 'muted-by-admin'
        ? 'The host muted you; only the host can turn it back on.' : e.message);
    }
    sync();
  }

  mic.addEventListener('click', () => guarded(() => client.setAudioMuted(!client.local.audioMuted)));
  cam.addEventListener('click', () => guarded(() => client.setVideoMuted(!client.local.videoMuted)));
  chat.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    chat.setAttribute('aria-expanded', String(!panel.hidden));
    if (panel.hidden) return;
    unread = 0;
    badge.hidden = true;
    chat.setAttribute('aria-label', 'Chat');
    q('#chat-input').focus();
  });
  q('.chat-form').addEventListener('submit', e => {
    e.preventDefault();
    const input = q('#chat-input');
    const text = input.value.trim();
    if (text) guarded(async () => { addMessage(await client.sendChat(text), false); input.value = ''; });
  });
  document.addEventListener('keydown', e => {
    if (!client || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLElement && e.target.closest('input, textarea, select, [contenteditable]')) return;
    const b = { m: mic, v: cam }[e.key.toLowerCase()];
    if (b && !b.hidden) { e.preventDefault(); b.click(); }
  });

  return function attach(c) {
    client = c;
    for (const type of ['mute', 'statechange']) c.addEventListener(type, sync);
    c.addEventListener('chat', e => addMessage(e.detail.message, true));
    c.chatHistory({ limit: 100 }).then(ms => ms.forEach(m => addMessage(m, false))).catch(() => {});
    sync();
  };
}
