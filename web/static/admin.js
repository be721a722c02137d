// The first page of Atrium: server status, and rooms created and listed through the native REST API.
// Plain ES module, no build step. Credentials stay in this tab's sessionStorage.

const status = document.getElementById('status');
const credsForm = document.getElementById('creds');
const createForm = document.getElementById('create');
const createResult = document.getElementById('create-result');
const roomsList = document.getElementById('rooms');

/** @returns {string} the Basic Authorization header value for the current credentials */
function authorization() {
  const key = sessionStorage.getItem('atrium.key') ?? credsForm.key.value;
  const secret = sessionStorage.getItem('atrium.secret') ?? credsForm.secret.value;
  return 'Basic ' + btoa(`${key}:${secret}`);
}

/**
 * Calls the REST API and returns the parsed JSON body (or null for 204).
 * @param {string} method @param {string} path @param {object} [body]
 */
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { 'Authorization': authorization(), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) {
    throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  }
  return data;
}

async function refreshRooms() {
  try {
    const { rooms } = await api('GET', '/v1/rooms');
    roomsList.replaceChildren(...rooms.map(room => {
      const li = document.createElement('li');
      li.textContent = `${room.name} — ${room.uuid}` + (room.has_password ? ' (password)' : '');
      return li;
    }));
    if (rooms.length === 0) {
      roomsList.innerHTML = '<li>No rooms yet.</li>';
    }
  } catch (e) {
    roomsList.innerHTML = '';
    const li = document.createElement('li');
    li.textContent = `Cannot list rooms: ${e.message}`;
    roomsList.append(li);
  }
}

credsForm.addEventListener('submit', event => {
  event.preventDefault();
  sessionStorage.setItem('atrium.key', credsForm.key.value);
  sessionStorage.setItem('atrium.secret', credsForm.secret.value);
  refreshRooms();
});

createForm.addEventListener('submit', async event => {
  event.preventDefault();
  const f = createForm;
  const room = {
    name: f.name.value,
    open: f.open.checked,
    force_password: f.force_password.checked,
    force_waiting_room: f.force_waiting_room.checked,
    members: [],
  };
  if (f.password.value) {
    room.password = f.password.value;
  }
  try {
    const created = await api('POST', '/v1/rooms', { room });
    createResult.textContent = `Created “${created.room.name}” (${created.room.uuid}).`;
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
