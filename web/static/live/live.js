// The live event page (contract 000): a host and speakers on stage, an audience of viewers who
// raise hands and are invited up. Uses the contract's endpoints for tokens and moves, the room
// protocol (atrium.js) for media, and the stream's shared state (speakers, viewers, raised hands,
// the user's own document) for everything the lists and the invitation show.
import { AtriumClient } from '/atrium.js';
import { callControls } from '/call-controls.js';
import { explain } from '/messages.js';

const $ = id => document.getElementById(id);

/** Everything the page knows; `window.live` for tests and the curious. */
const S = {
  passcode: '', identity: '', stream: '', roomSid: '', role: '', isHost: false,
  names: null, client: null, media: null, handRaised: false, switching: false, ended: false,
};
window.live = S;

/** Frames decoded per speaker (by identity), for tests. */
S.stats = async () => {
  const out = {};
  for (const id of S.client?.members.keys() ?? []) {
    out[id] = (await S.client.memberStats(id)).video.framesDecoded;
  }
  return out;
};

// ---------------------------------------------------------------- the contract's endpoints

async function call(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Authorization': S.passcode, 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new Error(e ? explain(e.message) : res.status === 429 ? explain('Error: too many requests') : `The server answered ${res.status}. Try again.`);
  }
  return data;
}

const who = () => ({ user_identity: S.identity, stream_name: S.stream });

// The host's token proves the host when it joins its stream as a speaker again (docs/CONTRACTS.md, 000):
// kept in this tab only, per stream and identity.
const hostKey = () => `atrium.live.host.${S.stream}.${S.identity}`;

function keepHostToken(answer) {
  sessionStorage.setItem(hostKey(), answer.token);
  return answer;
}

async function joinAsSpeaker() {
  const hostToken = sessionStorage.getItem(hostKey());
  if (hostToken) {
    try {
      const answer = await call('/join-stream-as-speaker', { ...who(), host_token: hostToken });
      S.isHost = true;
      return keepHostToken(answer);
    } catch {
      sessionStorage.removeItem(hostKey()); // expired, or the stream ended: join as a speaker
    }
  }
  return call('/join-stream-as-speaker', who());
}

// ---------------------------------------------------------------- start

const params = new URLSearchParams(location.search);
const form = $('start-form');
form.stream.value = params.get('stream') ?? '';
form.passcode.value = sessionStorage.getItem('atrium.live.passcode') ?? '';
form.identity.value = localStorage.getItem('atrium.live.name') ?? '';

form.addEventListener('submit', async event => {
  event.preventDefault();
  const role = event.submitter?.value ?? 'viewer';
  S.passcode = form.passcode.value;
  S.identity = form.identity.value.trim();
  S.stream = form.stream.value.trim();
  $('start-error').textContent = '';
  for (const b of form.querySelectorAll('button')) b.disabled = true;
  try {
    await call('/verify-passcode');
    sessionStorage.setItem('atrium.live.passcode', S.passcode);
    localStorage.setItem('atrium.live.name', S.identity);
    if (role === 'host') {
      S.isHost = true;
      await goOnStage(keepHostToken(await call('/create-stream', who())));
    } else if (role === 'speaker') {
      await goOnStage(await joinAsSpeaker());
    } else {
      await joinAudience();
    }
    history.replaceState(null, '', `/live/?stream=${encodeURIComponent(S.stream)}`);
    $('start').hidden = true;
    $('event').hidden = false;
    $('event-h').textContent = S.stream;
  } catch (e) {
    $('start-error').textContent = e.message;
  } finally {
    for (const b of form.querySelectorAll('button')) b.disabled = false;
  }
});

// ---------------------------------------------------------------- joining

/** A new client for a token answer: connected, following the stream's state. */
async function connect(answer) {
  S.roomSid = answer.room_sid;
  S.names = answer.sync_object_names;
  const client = new AtriumClient({ room: answer.room_sid });
  S.client = client;
  client.addEventListener('tracks', e => upsertTile(e.detail.member));
  client.addEventListener('memberjoin', e => upsertTile(e.detail.member));
  client.addEventListener('memberleave', e => removeTile(e.detail.member.id));
  client.addEventListener('stateupdate', e => onState(e.detail));
  client.addEventListener('ended', e => onEnded(client, e.detail));
  await client.connect();
  client.useToken(answer.token);
  const names = [S.names.speakers_map, S.names.viewers_map, S.names.raised_hands_map];
  if (S.names.user_document) names.push(S.names.user_document);
  await client.subscribeState(names);
  render();
  return client;
}

/** Host or speaker: publish camera and microphone. */
async function goOnStage(answer) {
  S.role = S.isHost ? 'host' : 'speaker';
  const client = await connect(answer);
  if (!S.media) {
    S.media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  }
  await client.join({ audioTrack: S.media.getAudioTracks()[0], videoTrack: S.media.getVideoTracks()[0] });
  attachControls(client);
  upsertTile({ id: S.identity, name: `${S.identity} (you)`, isLocal: true, tracks: { video: S.media.getVideoTracks()[0] } });
  render();
}

/** Viewer: receive only, then tell the backend the player is connected. */
async function joinAudience() {
  S.role = 'viewer';
  S.handRaised = false;
  stopMedia();
  const client = await connect(await call('/join-stream-as-viewer', who()));
  await client.join({ receiveOnly: true });
  attachControls(client);
  await call('/viewer-connected-to-player', who());
  render();
}

/** Leaves the current room connection on purpose (a role change), then runs `next`. */
async function switchRole(next, notice) {
  S.switching = true;
  try {
    const old = S.client;
    await old.leave();
    clearStage();
    say(notice);
    await next();
  } catch (e) {
    say(`Could not switch: ${e.message}`);
  } finally {
    S.switching = false;
  }
}

function stopMedia() {
  S.media?.getTracks().forEach(t => t.stop());
  S.media = null;
}

// ---------------------------------------------------------------- events

function onState({ name, value }) {
  if (name === S.names?.user_document && S.role === 'viewer' && !S.switching && S.client?.sharedState.get(name)?.speaker_invite) {
    switchRole(async () => goOnStage(await call('/join-stream-as-speaker', who())), 'The host invited you on stage.');
  }
  render();
}

function onEnded(client, { reason, message }) {
  if (client !== S.client || S.switching || S.ended) return;
  if (reason === 'removed' && S.role === 'speaker') {
    clearStage();
    S.switching = true;
    say('The host removed you from the stage. You are back in the audience.');
    joinAudience().catch(e => say(`Could not rejoin the audience: ${e.message}`)).finally(() => { S.switching = false; });
    return;
  }
  end(reason === 'room-ended' ? 'The host ended the event.' : message);
}

function end(message) {
  S.ended = true;
  stopMedia();
  $('event').hidden = true;
  $('start').hidden = true;
  $('ended').hidden = false;
  $('ended-message').textContent = message;
}

/** Microphone, camera (on stage) and chat (everyone) for the current client. */
const attachControls = callControls($('controls'), text => say(text));

function say(text) {
  $('notice').textContent = text ?? '';
}

// ---------------------------------------------------------------- stage

function upsertTile(member) {
  let tile = document.getElementById(`tile-${member.id}`);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile';
    tile.id = `tile-${member.id}`;
    tile.dataset.member = member.id;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true;
    const audio = document.createElement('audio');
    audio.autoplay = true;
    const name = document.createElement('span');
    name.className = 'name';
    video.classList.toggle('mirror', !!member.isLocal); // one's own camera, as in a mirror
    tile.append(video, audio, name);
    $('stage').append(tile);
    if (!member.isLocal) tile.stop = S.client.observeTile(member.id, video);
  }
  tile.querySelector('.name').textContent = member.name;
  const [video, audio] = tile.querySelectorAll('video, audio');
  const v = member.tracks?.video ?? null;
  if ((video.srcObject?.getVideoTracks()[0] ?? null) !== v) video.srcObject = v ? new MediaStream([v]) : null;
  const a = member.isLocal ? null : member.tracks?.audio ?? null;
  if ((audio.srcObject?.getAudioTracks()[0] ?? null) !== a) audio.srcObject = a ? new MediaStream([a]) : null;
  video.play?.().catch(() => {});
}

function removeTile(id) {
  const tile = document.getElementById(`tile-${id}`);
  tile?.stop?.();
  tile?.remove();
}

function clearStage() {
  for (const tile of [...$('stage').children]) {
    tile.stop?.();
    tile.remove();
  }
}

// ---------------------------------------------------------------- lists and controls

function render() {
  const state = S.client?.sharedState ?? new Map();
  const speakers = state.get('speakers') ?? {};
  const viewers = state.get('viewers') ?? {};
  const hands = state.get('raised_hands') ?? {};
  list('speakers', Object.keys(speakers), id => {
    const label = speakers[id]?.host ? `${id} (host)` : id;
    const canRemove = S.role === 'host' && !speakers[id]?.host && id !== S.identity;
    return [label, canRemove ? ['Remove', () => call('/remove-speaker', { user_identity: id, room_name: S.stream })] : null];
  });
  list('hands', Object.keys(hands), id => [id, S.role === 'host'
    ? ['Invite', () => call('/send-speaker-invite', { user_identity: id, room_sid: S.roomSid })] : null]);
  list('viewers', Object.keys(viewers), id => [id, null]);
  $('viewer-count').textContent = String(Object.keys(viewers).length);
  $('role').textContent = { host: 'You are the host.', speaker: 'You are on stage.', viewer: 'You are in the audience.' }[S.role] ?? '';
  const hand = $('hand');
  hand.hidden = S.role !== 'viewer';
  S.handRaised = S.identity in hands;
  hand.textContent = S.handRaised ? 'Lower hand' : 'Raise hand';
  hand.setAttribute('aria-pressed', String(S.handRaised));
  $('end').hidden = S.role !== 'host';
  $('leave-stage').hidden = S.role !== 'speaker';
}

function list(id, ids, row) {
  const ul = $(id);
  ul.replaceChildren(...ids.map(member => {
    const [label, action] = row(member);
    const li = document.createElement('li');
    li.dataset.member = member;
    const span = document.createElement('span');
    span.textContent = label;
    li.append(span);
    if (action) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action[0];
      b.setAttribute('aria-label', `${action[0]} ${member}`);
      b.addEventListener('click', () => action[1]().catch(e => say(e.message)));
      li.append(b);
    }
    return li;
  }));
}

$('hand').addEventListener('click', () => {
  call('/raise-hand', { ...who(), hand_raised: !S.handRaised }).catch(e => say(e.message));
});
$('end').addEventListener('click', () => {
  call('/delete-stream', { stream_name: S.stream }).catch(e => say(e.message));
});
$('leave-stage').addEventListener('click', () => switchRole(joinAudience, 'You left the stage.'));
$('leave').addEventListener('click', async () => {
  S.ended = true;
  await S.client?.leave();
  end('You left the event.');
});
