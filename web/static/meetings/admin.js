// The admin page of contract 001: create meetings, open one and join it.
import { $, call, joinCall } from '/meetings/meeting.js';

const auth = $('auth-form');
auth.passcode.value = sessionStorage.getItem('atrium.meetings.passcode') ?? '';
auth.key.value = sessionStorage.getItem('atrium.key') ?? '';
auth.secret.value = sessionStorage.getItem('atrium.secret') ?? '';

/** The Authorization header: the admin passcode, else Basic API credentials. */
function authorization() {
  const passcode = auth.passcode.value;
  if (passcode) {
    sessionStorage.setItem('atrium.meetings.passcode', passcode);
    return passcode;
  }
  if (auth.key.value && auth.secret.value) {
    sessionStorage.setItem('atrium.key', auth.key.value);
    sessionStorage.setItem('atrium.secret', auth.secret.value);
    return 'Basic ' + btoa(`${auth.key.value}:${auth.secret.value}`);
  }
  return '';
}

$('create').addEventListener('click', async () => {
  $('error').textContent = '';
  try {
    const { meeting_id: id } = await call('/admin/create', {}, authorization());
    $('meeting-id').textContent = id;
    const link = new URL(`/meetings/?meeting=${encodeURIComponent(id)}`, location.href).href;
    $('guest-link').href = link;
    $('guest-link').textContent = link;
    $('created').hidden = false;
    $('join-form').meeting.value = id;
  } catch (e) {
    $('error').textContent = e.message;
  }
});

$('join-form').addEventListener('submit', async event => {
  event.preventDefault();
  $('error').textContent = '';
  const form = event.target;
  try {
    const params = await call('/admin/join', { meeting_id: form.meeting.value.trim(), name: form.name.value.trim() }, authorization());
    $('setup').hidden = true;
    $('call').hidden = false;
    $('call-h').textContent = `Meeting ${form.meeting.value.trim()}`;
    const client = await joinCall(params, $('grid'), message => { $('call-status').textContent = message; });
    $('leave').onclick = () => client.leave();
  } catch (e) {
    $('setup').hidden = false;
    $('call').hidden = true;
    $('error').textContent = e.message;
  }
});
