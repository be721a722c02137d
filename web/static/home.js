// Atrium's home page: join a meeting by link, create rooms and list them through the REST API.
// Plain ES module. The API key stays in this tab's sessionStorage, where room.js finds it to start a
// meeting as its host (it mints an admin access token with POST /v1/tokens).

import { apiCredentials, api, roomLink } from '/app-common.js';

const status = document.getElementById('status');
const joinForm = document.getElementById('join');
const joinResult = document.getElementById('join-result');
const credsForm = document.getElementById('creds');
const createForm = document.getElementById('create');
const createResult = document.getElementById('create-result');
const roomsList = document.getElementById('rooms');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const saved = apiCredentials();
if (saved) {
  credsForm.key.value = saved.key;
  credsForm.secret.value = saved.secret;
}

/** The links of a room: a paragraph with the guest link and a host button. @param {object} room */
function roomEntry(room) {
  const li = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = room.name;
  const link = document.createElement('a');
  link.href = roomLink(room.uuid);
  link.textContent = 'guest link';
  const host = document.createElement('a');
  host.href = roomLink(room.uuid) + '&host=1';
  host.textContent = 'join as host';
  li.append(name, ` — ${room.uuid}` + (room.has_password ? ' (password)' : '') + (room.force_waiting_room ? ' (waiting room)' : '') + ' · ', link, ' · ', host);
  return li;
}

async function refreshRooms() {
  if (!apiCredentials()) {
    return;
  }
  try {
    const { rooms } = await api('GET', '/v1/rooms');
    roomsList.replaceChildren(...rooms.map(roomEntry));
    if (rooms.length === 0) {
      roomsList.innerHTML = '<li>No rooms yet.</li>';
    }
  } catch (e) {
    const li = document.createElement('li');
    li.textContent = `Cannot list rooms: ${e.message}`;
    roomsList.replaceChildren(li);
  }
}

joinForm.addEventListener('submit', event => {
  event.preventDefault();
  const id = joinForm.link.value.match(UUID);
  if (!id) {
    joinResult.textContent = 'That is not a meeting link: it should contain a room id like 3f2a…-…';
    return;
  }
  location.href = roomLink(id[0].toLowerCase());
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
  if (f.password.value) {
    room.password = f.password.value;
  }
  try {
    const created = (await api('POST', '/v1/rooms', { room })).room;
    const p = document.createElement('p');
    p.textContent = `Created “${created.name}”. Share this link: `;
    const link = document.createElement('a');
    link.href = roomLink(created.uuid);
    link.textContent = new URL(roomLink(created.uuid), location.href).href;
    link.id = 'guest-link';
    const start = document.createElement('a');
    start.href = roomLink(created.uuid) + '&host=1';
    start.textContent = 'Start the meeting as host';
    start.className = 'button';
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
  .then(res => res.ok ? 'Atrium is running.' : `Atrium answered ${res.status}.`)
  .catch(() => 'The server is unreachable.')
  .then(text => { status.textContent = text; });
refreshRooms();
