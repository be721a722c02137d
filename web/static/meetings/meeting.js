// Shared by the meeting pages (contract 001): the call itself, on the room protocol (atrium.js).
import { AtriumClient } from '/atrium.js';
import { callControls } from '/call-controls.js';
import { explain } from '/messages.js';

export const $ = id => document.getElementById(id);

/**
 * Calls one of the contract's endpoints; resolves to the JSON body, rejects with the contract's
 * bare-string error said as a sentence (messages.js). @param {string} path @param {object} body @param {string} [authorization]
 */
export async function call(path, body, authorization) {
  const headers = { 'Content-Type': 'application/json' };
  if (authorization) headers.Authorization = authorization;
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(typeof data === 'string' ? explain(data) : `The server answered ${res.status}. Try again.`);
  return data;
}

/**
 * Joins the call with camera and microphone and shows everyone in `grid`, with the call controls
 * (microphone, camera, chat) in `#controls`; resolves to the client. `onEnd` also says what failed.
 * `window.meeting` exposes the client and `stats()` (frames decoded per member) for tests.
 * @param {{room_id: string, token: string}} params @param {HTMLElement} grid @param {(text: string) => void} onEnd
 */
export async function joinCall(params, grid, onEnd) {
  const client = new AtriumClient({ room: params.room_id });
  window.meeting = {
    client,
    stats: async () => {
      const out = {};
      for (const id of client.members.keys()) out[id] = (await client.memberStats(id)).video.framesDecoded;
      return out;
    },
  };
  client.addEventListener('tracks', e => tile(grid, client, e.detail.member));
  client.addEventListener('memberjoin', e => tile(grid, client, e.detail.member));
  client.addEventListener('memberleave', e => document.getElementById(`tile-${e.detail.member.id}`)?.remove());
  client.addEventListener('ended', e => onEnd(e.detail.message));
  client.useToken(params.token);
  await client.connect();
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  await client.join({ audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
  client.addEventListener('ended', () => media.getTracks().forEach(t => t.stop()));
  tile(grid, client, { ...client.local, name: `${client.local.name} (you)`, tracks: { video: media.getVideoTracks()[0] } });
  for (const m of client.members.values()) tile(grid, client, m);
  callControls($('controls'), onEnd)(client);
  return client;
}

function tile(grid, client, member) {
  let t = document.getElementById(`tile-${member.id}`);
  if (!t) {
    t = document.createElement('div');
    t.className = 'tile';
    t.id = `tile-${member.id}`;
    const video = Object.assign(document.createElement('video'), { autoplay: true, playsInline: true, muted: true });
    const audio = Object.assign(document.createElement('audio'), { autoplay: true });
    const name = Object.assign(document.createElement('span'), { className: 'name' });
    t.append(video, audio, name);
    grid.append(t);
    if (!member.isLocal) client.observeTile(member.id, video);
  }
  t.querySelector('.name').textContent = member.name;
  const video = t.querySelector('video');
  video.classList.toggle('mirror', !!member.isLocal); // one's own camera, as in a mirror
  const audio = t.querySelector('audio');
  const v = member.tracks?.video ?? null;
  if ((video.srcObject?.getVideoTracks()[0] ?? null) !== v) video.srcObject = v ? new MediaStream([v]) : null;
  const a = member.isLocal ? null : member.tracks?.audio ?? null;
  if ((audio.srcObject?.getAudioTracks()[0] ?? null) !== a) audio.srcObject = a ? new MediaStream([a]) : null;
}
