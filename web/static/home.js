// Atrium's home page: start a meeting in one click, join one by name or link, and (with the API key)
// create and list rooms. Plain ES module. The API key stays in this tab's sessionStorage, and only where the
// operator allows it (http.browser_api_key); in dev mode the page uses the well-known devkey/secret by itself.

import { AtriumClient } from '/atrium.js';
import { apiCredentials, api, roomLink, server, settleCredentials } from '/app-common.js';
import { rateLimitedText, retryingText } from '/messages.js';

const $ = id => document.getElementById(id);
const credsForm = $('creds');
const createForm = $('create');
const createResult = $('create-result');
const roomsList = $('rooms');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function showCredentials() {
  const saved = apiCredentials();
  if (saved) {
    credsForm.key.value = saved.key;
    credsForm.secret.value = saved.secret;
  }
}

/** This browser hosts the room: the room page mints host tokens for it (and keeps them over reloads). */
function markHost(uuid) {
  if (!localStorage.getItem(`atrium.host.${uuid}`)) localStorage.setItem(`atrium.host.${uuid}`, JSON.stringify({ token: null }));
}

/** A room of the list: its name, link, and a way in as its host. @param {object} room */
function roomEntry(room) {
  const li = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = room.name;
  const link = document.createElement('a');
  link.href = roomLink(room);
  link.textContent = room.slug ? `/r/${room.slug}` : 'guest link';
  const host = document.createElement('a');
  host.href = `${roomLink(room)}${room.slug ? '?' : '&'}host=1`;
  host.textContent = 'join as host';
  li.append(name, ` — ${room.uuid}` + (room.has_password ? ' (password)' : '') + (room.force_waiting_room ? ' (waiting room)' : '') + ' · ', link, ' · ', host);
  return li;
}

async function refreshRooms() {
  if (!apiCredentials()) return;
  try {
    const { rooms } = await api('GET', '/v1/rooms');
    roomsList.replaceChildren(...rooms.map(roomEntry));
    if (rooms.length === 0) roomsList.innerHTML = '<li>No rooms yet.</li>';
  } catch (e) {
    const li = document.createElement('li');
    li.textContent = `Cannot list rooms: ${e.message}`;
    roomsList.replaceChildren(li);
  }
}

/**
 * One click: an open room (no waiting room), this browser its host, straight to its page. With the
 * API key (dev mode, or kept by this tab); otherwise the person signs in with an Atrium account.
 */
$('new-meeting').addEventListener('submit', async event => {
  event.preventDefault();
  $('new-result').textContent = '';
  await settleCredentials();
  if (!apiCredentials()) {
    $('new-result').textContent = (await server()).browserApiKey
      ? 'Sign in with your Atrium account to start a meeting (or enter the server\'s API key under “Rooms and server access”).'
      : 'Sign in with your Atrium account to start a meeting.';
    $('signin').hidden = false;
    $('signin').username.focus();
    return;
  }
  const name = $('new-name').value.trim() || 'Meeting';
  try {
    const { room } = await api('POST', '/v1/rooms', {
      room: { name, open: true, force_password: false, force_waiting_room: false, members: [] },
    });
    markHost(room.uuid);
    location.href = roomLink(room);
  } catch (e) {
    $('new-result').textContent = `Could not start the meeting: ${e.message}`;
  }
});

/** base64 of UTF-8 text (btoa alone takes Latin-1 only). @param {string} text */
const base64 = text => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/** Signed in with an Atrium account: POST /web/meetings makes the room and a host token this browser keeps. */
$('signin').addEventListener('submit', async event => {
  event.preventDefault();
  const f = event.target;
  $('signin-result').textContent = '';
  try {
    const res = await fetch('/web/meetings', {
      method: 'POST',
      headers: { 'Authorization': `Basic ${base64(`${f.username.value}:${f.password.value}`)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: $('new-name').value.trim() || 'Meeting' }),
    });
    if (res.status === 401) throw new Error('Wrong username or password.');
    if (res.status === 429) throw new Error('Too many attempts from this address. Wait a minute and try again.');
    if (!res.ok) throw new Error(`The server could not start the meeting (${res.status}). Try again.`);
    const { room, token } = await res.json();
    localStorage.setItem(`atrium.host.${room.uuid}`, JSON.stringify({ token }));
    location.href = roomLink(room);
  } catch (e) {
    $('signin-result').textContent = e instanceof TypeError ? 'The server is unreachable. Check your connection and try again.' : e.message;
  }
});

/** A pasted link (either form), a room id, or a meeting's name ("Team standup" → /r/team-standup). */
$('join').addEventListener('submit', event => {
  event.preventDefault();
  const text = $('join-link').value.trim();
  const id = text.match(UUID);
  const slug = text.match(/\/r\/([a-z0-9-]+)/i)?.[1]
    ?? text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  if (id) {
    location.href = roomLink(id[0].toLowerCase());
  } else if (slug && !/[/:]/.test(text.replace(/^https?:\/\/[^/]+\/r\//i, ''))) {
    location.href = `/r/${encodeURIComponent(slug.toLowerCase())}`;
  } else {
    $('join-result').textContent = 'That is not a meeting link or name: paste the link you were sent, such as …/r/team-standup.';
  }
});

credsForm.addEventListener('submit', event => {
  event.preventDefault();
  sessionStorage.setItem('atrium.key', credsForm.key.value);
  sessionStorage.setItem('atrium.secret', credsForm.secret.value);
  refreshRooms();
});

createForm.addEventListener('submit', async event => {
  event.preventDefault();
  if (!apiCredentials()) {
    createResult.textContent = 'Enter the API key and secret first (“Use these credentials”).';
    return;
  }
  const f = createForm;
  const waitingRoom = f.waiting_room.checked;
  const room = {
    name: f.name.value,
    open: !waitingRoom,
    force_password: f.password.value !== '',
    force_waiting_room: waitingRoom,
    members: [],
  };
  if (f.password.value) room.password = f.password.value;
  if (f.slug.value) room.slug = f.slug.value;
  try {
    const created = (await api('POST', '/v1/rooms', { room })).room;
    const p = document.createElement('p');
    p.textContent = `Created “${created.name}”. Share this link: `;
    const link = document.createElement('a');
    link.href = roomLink(created);
    link.textContent = new URL(roomLink(created), location.href).href;
    link.id = 'guest-link';
    const start = document.createElement('a');
    start.href = `${roomLink(created)}${created.slug ? '?' : '&'}host=1`;
    start.textContent = 'Start the meeting as host';
    start.className = 'button primary';
    start.id = 'start-host';
    p.append(link);
    createResult.replaceChildren(p, start);
    f.reset();
    refreshRooms();
  } catch (e) {
    createResult.textContent = `Could not create the room: ${e.message}`;
  }
});

fetch('/healthz')
  .then(res => res.ok ? res.json().then(h => h.dev ? 'Atrium is running (dev mode).' : 'Atrium is running.') : `Atrium answered ${res.status}.`)
  .catch(() => 'The server is unreachable.')
  .then(text => { $('status').textContent = text; });
// ------------------------------------------------------------------ calls (SIP on: docs/WEB.md, "Calls")

/** The client holding this tab's video registration (the SDK's registerRoomApi), and the invite on show. */
let phone = null;
let ringing = null;
const callsStatus = $('calls-status');

/** A call goes from the room page: the caller signs in there, and the meeting starts with the call. */
$('call').addEventListener('submit', event => {
  event.preventDefault();
  location.href = `/room.html?call=${encodeURIComponent($('call-to').value.trim())}`;
});

$('take-calls').addEventListener('submit', async event => {
  event.preventDefault();
  const f = event.target;
  callsStatus.textContent = '';
  $('take-calls-button').disabled = true;
  const client = new AtriumClient();
  const ready = `You take calls here as ${f.username.value}. Keep this tab open.`;
  client.addEventListener('invite', e => ring(e.detail));
  client.addEventListener('inviteend', e => stopRinging(e.detail.callId, INVITE_ENDS[e.detail.reason] ?? 'The call ended.'));
  client.addEventListener('reconnecting', () => { callsStatus.textContent = 'Connection lost — reconnecting…'; });
  client.addEventListener('retrying', e => { callsStatus.textContent = retryingText(e.detail.reason) ?? callsStatus.textContent; });
  client.addEventListener('reconnected', () => { callsStatus.textContent = ready; });
  try {
    await client.registerRoomApi({ username: f.username.value, password: f.password.value });
  } catch (e) {
    client.leave();
    callsStatus.textContent = e.reason === 'credentials' ? 'Wrong username or password.'
      : e.reason === 'unreachable' ? 'The server is unreachable. Check your connection and try again.'
      : e.reason === 'rate-limited' ? rateLimitedText(e.message) : `Could not sign in for calls: ${e.message}`;
    return;
  } finally {
    $('take-calls-button').disabled = false;
  }
  client.addEventListener('ended', e => {
    phone = null;
    stopRinging(ringing?.callId, '');
    f.hidden = false;
    callsStatus.textContent = `You no longer take calls here: ${e.detail.message}`;
  });
  phone = client;
  f.hidden = true;
  f.password.value = '';
  callsStatus.textContent = ready;
});

/** Why an invite stopped ringing here (`inviteend`'s reason), for the person. */
const INVITE_ENDS = {
  'answered elsewhere': 'The call was answered on another of your devices.',
  declined: 'The call was declined on another of your devices.',
  'room ended': 'The caller hung up.',
  'no answer': 'You missed a call.',
};

/** Shows the incoming call: who calls, Answer and Decline. @param {{room, callId, fromName, authToken}} invite */
function ring(invite) {
  ringing = invite;
  $('incoming-text').textContent = `${invite.fromName || 'Someone'} is calling you.`;
  $('incoming').hidden = false;
  $('answer').focus();
}

function stopRinging(callId, text) {
  if (!ringing || ringing.callId !== callId) return;
  ringing = null;
  $('incoming').hidden = true;
  callsStatus.textContent = text;
}

/** Answer: the room page joins with the invite's token at once (the first of the user's devices to answer wins). */
$('answer').addEventListener('click', () => {
  location.href = `/room.html?room=${encodeURIComponent(ringing.room)}#token=${encodeURIComponent(ringing.authToken)}&answer=1`;
});

$('decline').addEventListener('click', async () => {
  const invite = ringing;
  stopRinging(invite.callId, 'You declined the call.');
  await phone?.declineInvite(invite).catch(e => { callsStatus.textContent = `The call could not be declined: ${e.message}`; });
});

// rooms and the API key only where the operator lets a browser keep the key; else sign-in is the way in
server().then(({ browserApiKey, sip }) => {
  $('admin').hidden = !browserApiKey;
  $('calls').hidden = !sip;
});
settleCredentials().then(() => { showCredentials(); refreshRooms(); });
