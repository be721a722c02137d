// The guest page of contract 001: enter the waiting room, follow the meeting's document over the
// WebSocket, and join by yourself when the admin opens the room (room_id appears in the document).
import { AtriumClient } from '/atrium.js';
import { $, call, joinCall } from '/meetings/meeting.js';

const form = $('enter-form');
form.meeting.value = new URLSearchParams(location.search).get('meeting') ?? '';
form.name.value = localStorage.getItem('atrium.name') ?? '';

form.addEventListener('submit', async event => {
  event.preventDefault();
  $('error').textContent = '';
  const meetingId = form.meeting.value.trim();
  const name = form.name.value.trim();
  localStorage.setItem('atrium.name', name);
  try {
    const waiting = await call('/user/enter-waiting-room', { meeting_id: meetingId });
    const watcher = new AtriumClient({ room: 'waiting' });
    window.waitingRoom = watcher;
    watcher.useToken(waiting.token);
    await watcher.connect();
    let joining = false;
    const tryJoin = async () => {
      const roomId = watcher.sharedState.get(waiting.document)?.room_id;
      if (!roomId || joining) return;
      joining = true;
      try {
        const params = await call('/user/join', { meeting_id: meetingId, room_id: roomId, identity: waiting.identity, name });
        watcher.socket?.close(1000);
        $('waiting').hidden = true;
        $('call').hidden = false;
        $('call-h').textContent = `Meeting ${meetingId}`;
        const client = await joinCall(params, $('grid'), message => { $('call-status').textContent = message; });
        $('leave').onclick = () => client.leave();
      } catch (e) {
        joining = false;
        $('error').textContent = e.message;
      }
    };
    watcher.addEventListener('stateupdate', tryJoin);
    await watcher.subscribeState([waiting.document]);
    $('enter').hidden = true;
    $('waiting').hidden = false;
    await tryJoin();
  } catch (e) {
    $('error').textContent = e.message;
  }
});
