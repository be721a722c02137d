// The call control center: /control/[?session=<id>][#token=<control token>]
// Plain fetch to the call API (contracts 003/004, docs/CONTRACTS.md) and the SDK's JSON-RPC layer
// (/rpc.js) on /v1/rtc, which watches the session's room with the control token and the "video_call" events.
import { RpcSocket } from '/rpc.js';
import { explain } from '/messages.js';

const $ = id => document.getElementById(id);
const API = '/api/video-call';

const params = new URLSearchParams(location.search);
let sessionId = params.get('session');
const fragmentToken = new URLSearchParams(location.hash.slice(1)).get('token');
if (sessionId && fragmentToken) {
  sessionStorage.setItem(`atrium.control.${sessionId}`, fragmentToken);
  history.replaceState(null, '', location.pathname + location.search); // the token stays out of the address bar
}

/** The page's state; `window.controlApp` for tests and the console. */
const app = {
  sessionId: null,
  token: null,
  participants: [],
  events: [],
  /** the watching connection (rpc.js) */
  rpc: new RpcSocket(),
  ended: false,
  video: null,
};
window.controlApp = app;

/** Calls the call API; resolves to the JSON body, rejects with its error said as a sentence (messages.js). */
async function call(method, path, body, withToken = true) {
  const headers = { 'Content-Type': 'application/json' };
  if (withToken && app.token) headers.Authorization = `Bearer ${app.token}`;
  const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const retry = res.headers.get('Retry-After');
    throw new Error((data?.error ? explain(data.error, data.code) : `The server answered ${res.status}.`)
      + (retry ? ` Try again in ${retry} s.` : ''));
  }
  return data;
}

// ------------------------------------------------------------------ starting

$('create').addEventListener('submit', async event => {
  event.preventDefault();
  $('start-error').textContent = '';
  try {
    const name = event.target.name.value.trim();
    const created = await call('POST', '/session', name ? { name } : {}, false);
    sessionStorage.setItem(`atrium.control.${created.session_id}`, created.control_token);
    history.pushState(null, '', `?session=${created.session_id}`);
    open(created.session_id);
  } catch (e) {
    $('start-error').textContent = `Could not create the session: ${e.message}`;
  }
});

function open(id) {
  app.sessionId = id;
  app.token = sessionStorage.getItem(`atrium.control.${id}`);
  $('start').hidden = true;
  $('session').hidden = false;
  const link = `${location.origin}${location.pathname}?session=${id}#token=${app.token ?? ''}`;
  $('control-link').href = link;
  if (!app.token) {
    $('session-error').textContent = 'This tab has no control token for this session: open the control link you were given.';
  }
  refresh();
  watch();
}

$('copy-control').addEventListener('click', () => copy($('control-link').href, $('copy-control')));

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
  setTimeout(() => { button.textContent = button.dataset.label ?? 'Copy'; }, 2000);
}

// ------------------------------------------------------------------ participant links

$('invite').addEventListener('submit', async event => {
  event.preventDefault();
  $('session-error').textContent = '';
  const form = event.target;
  try {
    const body = { preset_name: form.preset.value };
    if (form.name.value.trim()) body.name = form.name.value.trim();
    const t = await call('POST', `/session/${app.sessionId}/participant-token`, body);
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `${body.name ?? 'Participant'} (${form.preset.selectedOptions[0].textContent}), until ${new Date(t.expires_at).toLocaleString()}`;
    const input = document.createElement('input');
    input.readOnly = true;
    input.value = t.join_url;
    input.setAttribute('aria-label', `Join link for ${body.name ?? 'Participant'}`);
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = button.dataset.label = 'Copy link';
    button.addEventListener('click', () => copy(t.join_url, button));
    li.append(label, input, button);
    li.dataset.participant = t.participant_id;
    $('links').prepend(li);
    form.name.value = '';
  } catch (e) {
    $('session-error').textContent = `Could not create the link: ${e.message}`;
  }
});

// ------------------------------------------------------------------ live state

let refreshTimer = null;
/** Reloads the session's details and screen shares (coalesced). */
function refresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(load, 150);
}

async function load() {
  try {
    const details = await call('GET', `/session/${app.sessionId}`, undefined, false);
    $('session-name').textContent = details.name ? `“${details.name}”` : details.session_id;
    $('session-status').textContent = details.status;
    app.participants = details.participants;
    renderParticipants();
    if (details.status === 'ended') {
      ended();
      return;
    }
    const shares = await call('GET', `/session/${app.sessionId}/screen-shares`, undefined, false);
    renderShares(shares.screen_shares);
  } catch (e) {
    $('session-error').textContent = `Could not load the session: ${e.message}`;
  }
}

function renderParticipants() {
  const list = $('participants');
  list.replaceChildren();
  $('count').textContent = String(app.participants.length);
  if (app.participants.length === 0) {
    list.innerHTML = '<li class="hint">Nobody is in the call.</li>';
    return;
  }
  for (const p of app.participants) {
    const li = document.createElement('li');
    li.dataset.participant = p.participant_id;
    li.dataset.muted = String(p.is_muted);
    const name = Object.assign(document.createElement('span'), { className: 'name', textContent: p.name ?? p.participant_id });
    const flags = Object.assign(document.createElement('span'), { className: 'flags' });
    flags.textContent = [p.is_muted ? 'mic off' + (p.muted_by_admin ? ' (by you)' : '') : 'mic on',
      p.is_camera_on ? 'camera on' : 'camera off', p.is_screen_sharing ? 'sharing screen' : null,
      p.is_host ? 'host' : null].filter(Boolean).join(' · ');
    const quality = Object.assign(document.createElement('span'), {
      className: `quality ${p.connection_quality}`, textContent: p.connection_quality, title: 'connection quality' });
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = p.muted_by_admin ? 'unmute' : 'mute';
    button.textContent = p.muted_by_admin ? 'Allow microphone' : 'Mute';
    button.disabled = app.ended;
    button.addEventListener('click', () => mute(p, button.dataset.action));
    li.append(name, flags, quality, button);
    list.append(li);
  }
}

function renderShares(shares) {
  const list = $('shares');
  list.replaceChildren();
  if (shares.length === 0) {
    list.innerHTML = '<li class="hint">None.</li>';
    return;
  }
  for (const s of shares) {
    const li = document.createElement('li');
    li.textContent = `${s.participant_name ?? s.participant_id} since ${new Date(s.started_at).toLocaleTimeString()}`;
    list.append(li);
  }
}

async function mute(p, action) {
  $('session-error').textContent = '';
  try {
    await call('POST', `/session/${app.sessionId}/${action}`, { participant_id: p.participant_id });
    refresh();
  } catch (e) {
    $('session-error').textContent = `Could not ${action} ${p.name}: ${e.message}`;
  }
}

$('end').addEventListener('click', async () => {
  if (!confirm('End the session and disconnect everyone?')) return;
  try {
    await call('DELETE', `/session/${app.sessionId}`);
    ended();
    refresh();
  } catch (e) {
    $('session-error').textContent = `Could not end the session: ${e.message}`;
  }
});

function ended() {
  app.ended = true;
  $('session-status').textContent = 'ended';
  $('live-status').textContent = 'the session has ended';
  for (const el of document.querySelectorAll('#session button, #session input, #session select')) {
    if (el.id !== 'copy-control') el.disabled = true;
  }
  app.rpc.close();
}

// ------------------------------------------------------------------ the control center's events

const EVENTS = new Set(['participant_joined', 'participant_left', 'participant_muted', 'participant_unmuted',
  'camera_toggled', 'screen_share_started', 'screen_share_stopped', 'connection_quality_changed',
  'video_file_shared', 'session_ended']);

// ------------------------------------------------------------------ shared video (003)

/** Uploads a video file to the session; everyone in it is told (video_file_shared). */
$('video-form').addEventListener('submit', async event => {
  event.preventDefault();
  $('video-error').textContent = '';
  const form = new FormData();
  form.append('file', event.target.file.files[0]);
  try {
    const res = await fetch(`${API}/session/${app.sessionId}/video-file`, {
      method: 'POST', headers: { Authorization: `Bearer ${app.token}` }, body: form,
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new Error(data?.error ? explain(data.error, data.code) : `The server answered ${res.status}.`);
    app.video = data;
    $('video-name').textContent = `${data.filename} (${Math.round(data.duration)} s)`;
    $('video-controls').hidden = false;
    event.target.reset();
  } catch (e) {
    $('video-error').textContent = `Could not share the video: ${e.message}`;
  }
});

/** Play, pause or restart the shared video for everyone (video_control over the watching socket). */
for (const button of document.querySelectorAll('[data-video]')) {
  button.addEventListener('click', async () => {
    if (!app.video || !app.rpc.isOpen) return;
    const action = button.dataset.video === 'restart' ? 'seek' : button.dataset.video;
    const params = { file_id: app.video.file_id, url: app.video.url, action };
    if (button.dataset.video === 'restart') params.position = 0;
    try {
      await app.rpc.request('video_control', params);
      $('video-error').textContent = '';
    } catch (e) {
      $('video-error').textContent = `The video command failed: ${e.message}`;
    }
  });
}

app.rpc.addEventListener('notification', event => {
  const message = event.detail;
  if (!EVENTS.has(message.method)) return;
  app.events.push(message);
  const li = document.createElement('li');
  const p = message.params;
  li.textContent = `${new Date().toLocaleTimeString()} ${message.method} ${p.participant_id ?? ''}`
    + (p.connection_quality ? ` ${p.connection_quality}` : '') + (p.by ? ` (${p.by})` : '');
  $('events').prepend(li);
  if (message.method === 'session_ended') {
    ended();
  }
  refresh();
});

app.rpc.addEventListener('drop', () => {
  if (app.ended) return;
  $('live-status').textContent = 'reconnecting…';
  watch();
});

/**
 * Watches the session's room with the control token, on a new socket until that works (rpc.js backs
 * off from 0.5 s to 5 s); an answer that refuses (e.g. 404 after the session ended) stops it. One
 * loop at a time: a drop while it runs is its own retry.
 */
let watching = false;
async function watch() {
  if (!app.token || app.ended || watching) return;
  watching = true;
  try {
    const watched = await app.rpc.openWith(() => app.rpc.request('watch_room', { auth_token: app.token, events: 'video_call' }),
      { initialDelayMs: 500, maxDelayMs: 5000, fatal: e => e.code !== 0, stopped: () => app.ended });
    if (watched === null) return;
    $('live-status').textContent = 'live';
  } catch (e) {
    $('live-status').textContent = `cannot watch: ${e.message}`;
    if (e.code === 404) refresh();
    return;
  } finally {
    watching = false;
  }
  refresh();
}

if (sessionId) {
  open(sessionId);
}
window.addEventListener('popstate', () => location.reload());
