// The meeting page: /r/<slug> or /room.html?room=<uuid>, [?host=1] [#token=<access token>[&answer=1]],
// or a phone call: /room.html?call=<extension or number> (a temporary room; docs/WEB.md, "Calls").
// Prejoin (name, preview, devices, mutes, room password) → waiting room → meeting → ended.
// Uses only the SDK (atrium.js) and app-common.js. Plain ES module.

import { AtriumClient, AtriumError, decodeJwt } from '/atrium.js';
import { api, apiCredentials, settleCredentials, server, roomLink } from '/app-common.js';
import { deviceProblem, endedText, inviteEndText, rateLimitedText, retryingText } from '/messages.js';

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);
/** What the link names: a slug (/r/<slug>) or a room uuid (?room=). */
const linkRef = decodeURIComponent(location.pathname.match(/^\/r\/([^/]+)\/?$/)?.[1] ?? params.get('room') ?? '');
const fragment = new URLSearchParams(location.hash.slice(1));
const fragmentToken = fragment.get('token');
/** The link answers a call (the home page's Answer): join at once with the invite's token. */
const answering = fragment.get('answer') === '1';
/** The extension or number this page calls (a new temporary room), or null for a meeting link. */
const callTo = linkRef ? null : params.get('call')?.trim() || null;
if (fragmentToken) sessionStorage.setItem(`atrium.token.${linkRef}`, fragmentToken);
const askedForHost = params.get('host') === '1';
// neither the token nor host=1 stays in the address bar, so a copied address is a guest link
params.delete('host');
history.replaceState(null, '', location.pathname + (params.size ? `?${params}` : ''));
/** The room's uuid, slug and name, once the link is resolved (GET /r/<ref>/info). */
let room = { uuid: '', slug: null, name: '' };
let roomId = '';
/** An access token to join with: the link's, or this browser's host token for the room. */
let givenToken = sessionStorage.getItem(`atrium.token.${linkRef}`);
/** This browser hosts the room (it created it, or opened it with host=1 and the API key). */
let wantsHost = false;

/** The reactions offered, each with its icon in /icons.svg (same name) and what it says. */
export const REACTIONS = { thumbs_up: 'Thumbs up', clap: 'Applause', heart: 'Heart', joy: 'Laughing', tada: 'Celebrate', wave: 'Wave' };

/** An icon of /icons.svg, decorative (the button or text next to it says what it is). @param {string} name */
function icon(name) {
  return `<svg class="icon" aria-hidden="true"><use href="/icons.svg#${name}"></use></svg>`;
}

/** The app's state; `window.atriumApp` for tests and the console. */
const app = {
  /** @type {AtriumClient|null} */ client: null,
  /** @type {MediaStream|null} */ preview: null,
  /** @type {Promise<void>|null} the preview's request for the devices (a permission prompt may be pending) */
  devicesReady: null,
  audioTrack: null, videoTrack: null,
  micOn: true, camOn: true,
  tiles: new Map(),
  chatIds: new Set(),
  panel: null,
  /** @type {string|null} the waiting member the "is waiting" toast is about */
  waitingToast: null,
  unread: 0,
  /** 'tiles' (everyone the same size) or 'speaker' (one large tile); this browser keeps the choice */
  view: localStorage.getItem('atrium.view') === 'speaker' ? 'speaker' : 'tiles',
  /** @type {string|null} the member pinned as the large tile (speaker view) */
  pinned: null,
  /** @type {string|null} who spoke last (not this person): the large tile when nobody is pinned */
  lastSpeaker: null,
};
window.atriumApp = app;

// ------------------------------------------------------------------ screens and messages

function show(screen) {
  for (const id of ['prejoin', 'waiting', 'meeting', 'ended']) {
    $(id).hidden = id !== screen;
  }
  const focus = { prejoin: 'join-button', waiting: 'still-waiting', ended: 'rejoin', meeting: 'mic' }[screen];
  $(focus)?.focus();
}

let toastTimer;
/** A short message over the meeting. @param {string} text */
function toast(text) {
  $('toast').textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { $('toast').textContent = ''; }, 5000);
}

function endWith(message) {
  stopPreview();
  $('ended-message').textContent = message;
  show('ended');
}

/** A person-readable message for an SDK error. @param {unknown} e */
function describe(e) {
  if (!(e instanceof AtriumError)) return e?.message || `Something went wrong: ${e}`;
  switch (e.reason) {
    case 'unreachable': return 'The server is unreachable. Check your connection and try again.';
    case 'password': return 'This room needs a password. Enter the room password and join again.';
    case 'credentials': return 'Wrong username or password.';
    case 'room-not-found': return 'This meeting does not exist or has ended.';
    case 'token': return 'Your meeting link has expired or is not valid for this room.';
    case 'rejected': return 'The host did not let you in.';
    case 'timeout': return 'The server did not answer in time. Try again.';
    case 'closed': return 'The connection to the server was lost.';
    case 'rate-limited': return rateLimitedText(e.message);
    default: return e.message;
  }
}

// ------------------------------------------------------------------ prejoin

const form = $('prejoin-form');
form.name.value = localStorage.getItem('atrium.name') ?? '';

function stopPreview() {
  app.preview?.getTracks().forEach(t => t.stop());
  app.preview = null;
}

/** Asks for camera and microphone; reports what the browser refused. */
async function startPreview() {
  const problems = [];
  const stream = new MediaStream();
  const ask = async (kind, constraints) => {
    try {
      const s = await navigator.mediaDevices.getUserMedia(constraints);
      s.getTracks().forEach(t => stream.addTrack(t));
    } catch (e) {
      problems.push(deviceProblem(kind === 'audio' ? 'microphone' : 'camera', e));
    }
  };
  if (!navigator.mediaDevices?.getUserMedia) {
    problems.push('This browser cannot use a camera or microphone here (it needs HTTPS or localhost).');
  } else {
    await ask('audio', { audio: deviceConstraint(form.mic.value) });
    await ask('video', { video: deviceConstraint(form.cam.value, true) });
  }
  stopPreview();
  app.preview = stream;
  app.audioTrack = stream.getAudioTracks()[0] ?? null;
  app.videoTrack = stream.getVideoTracks()[0] ?? null;
  $('preview').srcObject = stream;
  if (problems.length) {
    $('prejoin-error').textContent = problems.join(' ')
      + ' You can still join; allow access in the browser\'s site settings to be seen or heard.';
  }
  if (app.client) return; // joined meanwhile: attachLateDevices takes the tracks
  await fillDeviceSelects($('pre-mic-select'), $('pre-cam-select'));
  syncPreviewButtons();
}

/** @param {string} deviceId @param {boolean} [video] */
function deviceConstraint(deviceId, video = false) {
  const c = deviceId ? { deviceId: { exact: deviceId } } : {};
  Object.assign(c, video ? videoSize() : audioProcessing());
  return c;
}

/**
 * The microphone's processing, as the settings panel sets it (kept in `localStorage['atrium.audio']`):
 * noise suppression and echo cancellation, both on unless turned off.
 */
function audioProcessing() {
  let o = {};
  try { o = JSON.parse(localStorage.getItem('atrium.audio') ?? '{}') ?? {}; } catch { /* ignore a bad value */ }
  return { noiseSuppression: o.noiseSuppression !== false, echoCancellation: o.echoCancellation !== false };
}

/**
 * The camera size asked for: 1280x720, or `localStorage['atrium.video']` as JSON such as
 * {"width": 320, "height": 240} (for slow machines and tests).
 */
function videoSize() {
  try {
    const o = JSON.parse(localStorage.getItem('atrium.video') ?? 'null');
    if (o?.width && o?.height) return { width: { ideal: o.width }, height: { ideal: o.height } };
  } catch { /* ignore a bad override */ }
  return { width: { ideal: 1280 }, height: { ideal: 720 } };
}

/** Fills microphone and camera pickers with the devices, selecting the ones in use. */
async function fillDeviceSelects(micSelect, camSelect) {
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  const fill = (select, kind, track) => {
    const list = devices.filter(d => d.kind === kind);
    select.replaceChildren(...list.map((d, i) => new Option(d.label || `${kind === 'audioinput' ? 'Microphone' : 'Camera'} ${i + 1}`, d.deviceId)));
    if (list.length === 0) select.append(new Option('None found', ''));
    const current = track?.getSettings().deviceId;
    if (current) select.value = current;
    select.disabled = list.length === 0;
  };
  fill(micSelect, 'audioinput', app.audioTrack);
  fill(camSelect, 'videoinput', app.videoTrack);
}

function syncPreviewButtons() {
  const mic = $('pre-mic'), cam = $('pre-cam');
  mic.disabled = !app.audioTrack;
  cam.disabled = !app.videoTrack;
  const micOn = app.micOn && !!app.audioTrack, camOn = app.camOn && !!app.videoTrack;
  mic.setAttribute('aria-pressed', String(micOn));
  mic.innerHTML = icon(micOn ? 'mic' : 'mic-off');
  mic.setAttribute('aria-label', micOn ? 'Microphone on' : 'Microphone off');
  mic.title = mic.getAttribute('aria-label');
  mic.classList.toggle('off', !micOn);
  cam.setAttribute('aria-pressed', String(camOn));
  cam.innerHTML = icon(camOn ? 'cam' : 'cam-off');
  cam.setAttribute('aria-label', camOn ? 'Camera on' : 'Camera off');
  cam.title = cam.getAttribute('aria-label');
  cam.classList.toggle('off', !camOn);
  if (app.audioTrack) app.audioTrack.enabled = micOn;
  if (app.videoTrack) app.videoTrack.enabled = camOn;
  $('preview-off').hidden = camOn;
}

$('pre-mic').addEventListener('click', () => { app.micOn = !app.micOn; syncPreviewButtons(); });
$('pre-cam').addEventListener('click', () => { app.camOn = !app.camOn; syncPreviewButtons(); });
form.mic.addEventListener('change', () => switchPreviewDevice('audio', form.mic.value));
form.cam.addEventListener('change', () => switchPreviewDevice('video', form.cam.value));

async function switchPreviewDevice(kind, deviceId) {
  try {
    const s = await navigator.mediaDevices.getUserMedia({ [kind]: deviceConstraint(deviceId, kind === 'video') });
    const track = s.getTracks()[0];
    const old = kind === 'audio' ? app.audioTrack : app.videoTrack;
    if (old) { app.preview.removeTrack(old); old.stop(); }
    app.preview.addTrack(track);
    if (kind === 'audio') app.audioTrack = track; else app.videoTrack = track;
    syncPreviewButtons();
  } catch (e) {
    $('prejoin-error').textContent = `Cannot use that device. ${deviceProblem(kind === 'audio' ? 'microphone' : 'camera', e)}`;
  }
}

/** localStorage key of this browser's host token for the room (survives reloads and new tabs until it expires). */
const hostKey = () => `atrium.host.${roomId}`;

/** The host token this browser keeps for the room, if still valid for a while. */
function storedHostToken() {
  try {
    const token = JSON.parse(localStorage.getItem(hostKey()) ?? 'null')?.token;
    const exp = token ? decodeJwt(token)?.exp : 0;
    return exp && exp * 1000 > Date.now() + 60_000 ? token : null;
  } catch {
    return null;
  }
}

/** Resolves the link, then shows the prejoin; a link to no room is said before any device is asked for. */
async function start() {
  if (callTo) {
    startCall();
    return;
  }
  if (!linkRef) {
    endWith('This meeting link is incomplete: it names no room. Ask for the link again.');
    return;
  }
  let res;
  try {
    res = await fetch(`/r/${encodeURIComponent(linkRef)}/info`);
  } catch {
    endWith('The server is unreachable. Check your connection and try again.');
    return;
  }
  if (res.status === 404) {
    endWith('This meeting does not exist or has ended. Check the link, or ask for a new one.');
    return;
  }
  if (!res.ok) {
    endWith(res.status === 429 ? 'Too many attempts from this address. Wait a minute and try again.'
      : `The server could not open this meeting (HTTP ${res.status}). Try again.`);
    return;
  }
  room = (await res.json()).room;
  roomId = room.uuid;
  document.title = `${room.name} · Atrium`;
  $('prejoin-h').textContent = `Join “${room.name}”`;
  $('room-name').textContent = room.name;
  await settleCredentials();
  if (askedForHost) localStorage.setItem(hostKey(), JSON.stringify({ token: storedHostToken() }));
  wantsHost = localStorage.getItem(hostKey()) !== null;
  givenToken ??= storedHostToken();
  const claims = givenToken ? decodeJwt(givenToken) : null;
  if (claims?.name) {
    // the token names this person: no second name field
    form.name.value = claims.name;
    $('name-label').hidden = true;
    $('signin').hidden = true;
  }
  show('prejoin');
  if (wantsHost && !apiCredentials() && !givenToken) {
    $('host-note').hidden = false;
    $('host-note').textContent = (await server()).browserApiKey
      ? 'To join as the host, open this room from the Home page after entering the API key. You can join as a guest.'
      : 'To join as the host, start the meeting from the Home page signed in with your Atrium account, or sign in below if you are one of its hosts. You can join as a guest.';
  } else if (wantsHost || givenToken) {
    $('host-note').hidden = false;
    $('host-note').textContent = claims?.name ? `You join as ${claims.name}${claims.admin ? ', a host of this meeting' : ''}.`
      : 'You join as the host of this meeting.';
  }
  app.devicesReady = startPreview();
  if (answering && givenToken) form.requestSubmit();
}
start();

/** A call to an extension or number: the caller signs in (the call is theirs), then Call starts it. */
function startCall() {
  document.title = `Call ${callTo} · Atrium`;
  $('prejoin-h').textContent = `Call ${callTo}`;
  $('room-name').textContent = `Call with ${callTo}`;
  $('name-label').hidden = true;
  form.name.required = false;
  $('signin').open = true;
  $('signin-summary').textContent = 'Sign in with your Atrium account';
  form.username.required = form.password.required = true;
  $('join-button').textContent = 'Call';
  show('prejoin');
  form.username.focus();
  app.devicesReady = startPreview();
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  $('prejoin-error').textContent = '';
  $('join-button').disabled = true;
  try {
    await enter();
  } catch (e) {
    console.warn('join failed', e);
    if (e instanceof AtriumError && e.reason === 'password') {
      const label = $('room-password-label');
      const hadOne = !label.hidden && form.room_password.value !== '';
      label.hidden = false;
      form.room_password.focus();
      $('prejoin-error').textContent = hadOne ? 'That room password is not right. Try again.' : describe(e);
    } else if (e instanceof AtriumError && e.reason === 'rejected') {
      endWith(describe(e));
    } else if (app.client?.state === 'ended') {
      // the ended event already said why
    } else {
      $('prejoin-error').textContent = describe(e);
      if ($('waiting').hidden === false) show('prejoin');
    }
    if (app.client && app.client.state !== 'connected') {
      app.client = null;
    }
  } finally {
    $('join-button').disabled = false;
  }
});

/** Connects, authenticates (or mints/uses a token), waits if needed, joins. */
async function enter() {
  if (callTo) {
    await call();
    return;
  }
  const name = form.name.value.trim();
  localStorage.setItem('atrium.name', name);
  if (!app.client) {
    app.client = new AtriumClient({ room: roomId });
    wireClient(app.client);
    await app.client.connect();
  }
  const client = app.client;
  if (givenToken) {
    client.useToken(givenToken);
  } else if (wantsHost && apiCredentials()) {
    const minted = await api('POST', '/v1/tokens', { room: roomId, name, admin: true, identity: client.callId }).catch(e => {
      throw new AtriumError(`Could not start as host: ${e.message}`, 0);
    });
    localStorage.setItem(hostKey(), JSON.stringify({ token: minted.token }));
    client.useToken(minted.token);
  } else {
    const creds = { displayName: name, roomPassword: form.room_password.value || undefined };
    if (form.username.value) Object.assign(creds, { username: form.username.value, password: form.password.value });
    await client.authenticate(creds);
  }
  const joined = await client.join({
    audioTrack: app.audioTrack, videoTrack: app.videoTrack,
    audioMuted: !app.micOn || !app.audioTrack, videoMuted: !app.camOn || !app.videoTrack,
  });
  if (joined.recordingId) showRecording(true); // people joining a meeting being recorded are told too
  app.preview = null; // the tracks now belong to the call
  $('preview').srcObject = null;
  enterMeeting();
  app.devicesReady?.then(attachLateDevices);
}

/** Starts the call: a temporary room with this user as its host, joined with the devices, `callTo` rung. */
async function call() {
  if (!app.client) {
    app.client = new AtriumClient();
    wireClient(app.client);
  }
  const { failed } = await app.client.createTempRoom({ username: form.username.value, password: form.password.value, invited: [callTo] }, {
    audioTrack: app.audioTrack, videoTrack: app.videoTrack,
    audioMuted: !app.micOn || !app.audioTrack, videoMuted: !app.camOn || !app.videoTrack,
  });
  roomId = app.client.room;
  room = { uuid: roomId, slug: null, name: `Call with ${callTo}` };
  app.preview = null;
  $('preview').srcObject = null;
  enterMeeting();
  app.devicesReady?.then(attachLateDevices);
  const failure = failed[0];
  toast(failure ? inviteEndText(failure.destination, failure.reason) : `Calling ${callTo}…`);
}

/**
 * Joined before the browser gave the devices (a permission prompt, a slow camera): the tracks that
 * arrive now go into the call, unmuted as the prejoin said; the ones the call no longer needs stop.
 */
async function attachLateDevices() {
  const client = app.client;
  const tracks = { audio: app.audioTrack, video: app.videoTrack };
  app.preview = null;
  $('preview').srcObject = null;
  for (const kind of /** @type {const} */ (['audio', 'video'])) {
    const track = tracks[kind];
    if (!track || client.local.tracks[kind] === track) continue;
    if (client.state === 'ended' || client.local.tracks[kind]) {
      track.stop();
      continue;
    }
    await guarded(async () => {
      await client.replaceTrack(kind, track);
      if (kind === 'audio' ? app.micOn : app.camOn) await setMuted(kind, false);
    });
  }
  if (client.state !== 'ended') {
    upsertTile(client.local);
    syncToolbar();
    fillDeviceSelects($('mic-select'), $('cam-select'));
  }
}

// ------------------------------------------------------------------ waiting room

$('still-waiting').addEventListener('click', () => {
  app.client?.stillWaiting();
  $('waiting-status').textContent = 'We reminded the host that you are waiting.';
});
$('waiting-leave').addEventListener('click', async () => {
  await app.client?.leave();
  endWith('You left the waiting room.');
});

// ------------------------------------------------------------------ client events

/** @param {AtriumClient} client */
function wireClient(client) {
  const on = (type, fn) => client.addEventListener(type, e => fn(e.detail));
  on('waiting', () => { $('waiting-status').textContent = ''; show('waiting'); });
  on('memberjoin', ({ member }) => { upsertTile(member); renderPeople(); });
  on('memberupdate', ({ member }) => { upsertTile(member); renderPeople(); });
  on('memberleave', ({ member, byAdmin }) => {
    removeTile(member.id);
    renderPeople();
    toast(`${member.name} ${byAdmin ? 'was removed' : 'left'}.`);
  });
  on('tracks', ({ member }) => upsertTile(member));
  on('mute', ({ member, kind, byAdmin }) => {
    upsertTile(member);
    renderPeople();
    if (member.isLocal) {
      syncToolbar();
      if (byAdmin) toast(`An admin ${member[kind === 'audio' ? 'audioMuted' : 'videoMuted'] ? 'turned off' : 'allowed'} your ${kind === 'audio' ? 'microphone' : 'camera'}.`);
    }
  });
  on('hand', ({ member }) => {
    upsertTile(member);
    renderPeople();
    if (member.isLocal) syncToolbar(); else if (member.handRaised) toast(`${member.name} raised their hand.`);
  });
  on('screenshare', ({ member }) => { upsertTile(member); renderScreen(); if (member.isLocal) syncToolbar(); });
  on('reaction', ({ member, reaction }) => showReaction(member, reaction));
  on('activespeaker', () => {
    for (const [id, tile] of app.tiles) tile.el.classList.toggle('speaking', id === client.activeSpeaker);
    layoutStage();
  });
  on('quality', ({ member }) => upsertTile(member));
  on('chat', ({ message }) => addChat(message, true));
  on('waitinglist', ({ waiting, nudged }) => {
    renderPeople();
    if (nudged) {
      const w = waiting.find(x => x.member === nudged);
      if (w) showWaitingToast(w);
    } else if (app.waitingToast && !client.waiting.has(app.waitingToast)) {
      hideWaitingToast();
    }
  });
  on('reconnecting', ({ cause }) => banner(cause === 'connection-setup'
    ? 'Setting up the connection is taking longer than usual — trying again…'
    : 'Connection lost — reconnecting…'));
  on('retrying', ({ reason }) => { const text = retryingText(reason); if (text) banner(text); });
  on('reconnected', () => { banner(''); loadChat(); syncVideo(); });
  on('invitereject', ({ destination, reason }) => toast(inviteEndText(destination, reason)));
  on('ended', ({ reason, message, endedBy }) => {
    for (const tile of app.tiles.values()) tile.stopObserving?.();
    app.tiles.clear();
    $('grid').replaceChildren();
    $('screen-area').replaceChildren();
    $('shared-video').pause();
    $('stage').classList.remove('has-video', 'has-main');
    $('main-area').replaceChildren();
    banner('');
    hideWaitingToast();
    endWith(endedText(reason, endedBy) ?? message);
  });
  on('notification', ({ method, params }) => {
    if (method === 'video_control') applyVideo(params);
    if (method === 'video_file_shared') toast(`A video was shared: ${params.file?.filename ?? ''}`);
    if (method === 'recording_started' || method === 'recording_stopped') showRecording(method === 'recording_started');
  });
  on('error', ({ error, during }) => console.warn('atrium', during, error));
}

/**
 * Plays the shared video as the server's state says: the file, playing or paused, at `position`
 * seconds when the server stamped it (`at`, epoch ms), so everyone (and a late joiner) is in step.
 * @param {{file_id: string, url: string, playing: boolean, position: number, at: number}} state
 */
function applyVideo(state) {
  const video = $('shared-video');
  if (video.dataset.file !== state.file_id) {
    video.dataset.file = state.file_id;
    video.src = state.url;
  }
  $('stage').classList.add('has-video');
  layoutStage();
  const target = state.position + (state.playing ? Math.max(0, Date.now() - state.at) / 1000 : 0);
  // playing: jump only when out of step by more than a stutter would cost; paused: stop exactly there
  if (Math.abs(video.currentTime - target) > (state.playing ? 0.25 : 0.02)) video.currentTime = target;
  if (state.playing) video.play().catch(e => console.warn('shared video', e)); else video.pause();
}

/** A joiner (or a reconnect) picks up the shared video where everyone else is. */
function syncVideo() {
  app.client.request('get_video_state').then(state => { if (state?.file_id) applyVideo(state); })
    .catch(e => console.warn('video state', e));
}

/** "X is waiting to join" with Admit and Reject, for hosts. @param {{member: string, name: string}} w */
function showWaitingToast(w) {
  app.waitingToast = w.member;
  $('waiting-text').textContent = `${w.name} is waiting to join.`;
  $('toast-admit').setAttribute('aria-label', `Admit ${w.name}`);
  $('toast-reject').setAttribute('aria-label', `Reject ${w.name}`);
  $('waiting-toast').hidden = false;
}
function hideWaitingToast() {
  app.waitingToast = null;
  $('waiting-toast').hidden = true;
}
$('toast-admit').addEventListener('click', () => guarded(async () => {
  const id = app.waitingToast;
  hideWaitingToast();
  if (id) await app.client.allowMember(id);
}));
$('toast-reject').addEventListener('click', () => guarded(async () => {
  const id = app.waitingToast;
  hideWaitingToast();
  if (id) await app.client.rejectMember(id);
}));

function banner(text) {
  $('banner').textContent = text;
  $('banner').hidden = !text;
}

// ------------------------------------------------------------------ meeting

/** The "Recording" indicator and the host's Record button follow whether the room is being recorded. */
function showRecording(on) {
  $('recording').hidden = !on;
  $('record').setAttribute('aria-pressed', String(on));
  $('record').querySelector('.label').textContent = on ? 'Stop recording' : 'Record';
  toast(on ? 'This meeting is being recorded.' : 'Recording stopped.');
}

function enterMeeting() {
  const client = app.client;
  show('meeting');
  upsertTile(client.local);
  for (const m of client.members.values()) upsertTile(m);
  syncToolbar();
  renderPeople();
  loadChat();
  syncVideo();
  if (client.isAdmin) client.waitingRoomMembers().catch(() => {});
  $('record').hidden = !client.isAdmin;
  fillDeviceSelects($('mic-select'), $('cam-select'));
}

/** The tile of a member, created on first use, updated from the member's state. @param {import('/atrium.js').Member} m */
function upsertTile(m) {
  const client = app.client;
  if (!client || client.state === 'ended') return;
  if (!m.isLocal && !client.members.has(m.id)) return;
  let tile = app.tiles.get(m.id);
  if (!tile) {
    const el = document.createElement('figure');
    el.className = 'tile' + (m.isLocal ? ' local' : '');
    el.dataset.member = m.id;
    el.innerHTML = `<video autoplay playsinline muted></video><div class="avatar"><span></span></div>
      <button type="button" class="pin" aria-pressed="false">${icon('pin')}</button>
      <figcaption><span class="name"></span>
      <span class="ind" data-indicator="mic-muted" hidden title="Microphone off">${icon('mic-off')}</span>
      <span class="ind" data-indicator="hand" hidden title="Hand raised">${icon('hand')}</span>
      <span class="ind" data-indicator="screen" hidden title="Sharing the screen">${icon('screen')}</span>
      <span class="ind quality" data-indicator="quality" hidden></span></figcaption>`;
    const audio = m.isLocal ? null : document.createElement('audio');
    if (audio) { audio.autoplay = true; el.append(audio); }
    tile = { el, video: el.querySelector('video'), audio, tracks: {} };
    tile.video.classList.toggle('mirror', !!m.isLocal); // one's own camera, as in a mirror
    app.tiles.set(m.id, tile);
    el.querySelector('.pin').addEventListener('click', () => pin(app.pinned === m.id ? null : m.id));
    $('grid').append(el); // the local tile comes first by CSS order
    if (!m.isLocal) tile.stopObserving = client.observeTile(m.id, tile.video);
    layoutStage();
  }
  const el = tile.el;
  const name = m.isLocal ? `${m.name || 'You'} (you)` : m.name;
  el.querySelector('.name').textContent = name;
  el.querySelector('.pin').setAttribute('aria-label', `${app.pinned === m.id ? 'Unpin' : 'Pin'} ${name}`);
  el.querySelector('.pin').title = app.pinned === m.id ? 'Unpin' : 'Pin as the large tile';
  el.querySelector('.avatar span').textContent = (m.name || '?').trim().charAt(0).toUpperCase();
  el.setAttribute('aria-label', name + (m.audioMuted ? ', microphone off' : '') + (m.handRaised ? ', hand raised' : ''));
  el.querySelector('[data-indicator=mic-muted]').hidden = !m.audioMuted;
  el.querySelector('[data-indicator=hand]').hidden = !m.handRaised;
  el.querySelector('[data-indicator=screen]').hidden = !m.screenShare;
  const q = el.querySelector('[data-indicator=quality]');
  q.hidden = !m.quality || m.quality === 'unknown';
  q.dataset.quality = m.quality;
  const bars = { excellent: 4, good: 3, fair: 2, poor: 1 }[m.quality] ?? 0;
  if (q.dataset.bars !== String(bars)) {
    q.dataset.bars = String(bars);
    q.innerHTML = `<svg class="icon" viewBox="0 0 16 16" aria-hidden="true">${[0, 1, 2, 3].map(i =>
      `<rect x="${1 + i * 4}" y="${12 - i * 3}" width="3" height="${3 + i * 3}" rx="1" fill="currentColor" opacity="${i < bars ? 1 : 0.25}"/>`).join('')}</svg>`;
  }
  q.title = `Connection: ${m.quality}`;
  el.classList.toggle('video-off', m.videoMuted || !m.tracks.video);
  el.classList.toggle('speaking', client.activeSpeaker === m.id);
  setTrack(tile, 'video', tile.video, m.tracks.video);
  if (tile.audio) setTrack(tile, 'audio', tile.audio, m.tracks.audio);
  if (m.screenShare || tile.tracks.screen) renderScreen();
}

// ------------------------------------------------------------------ layout: tile view, speaker view, pin

/**
 * The member whose tile is large, or null (tile view): in speaker view the pinned member, else who
 * spoke last (never oneself while others are there), else the first other member, else oneself.
 * A shared screen or video takes the large area instead: only a pinned member stays large, next to it.
 */
function mainTile() {
  const client = app.client;
  const stage = $('stage').classList;
  const pinned = app.pinned && app.tiles.has(app.pinned) ? app.pinned : null;
  if (stage.contains('has-screen') || stage.contains('has-video')) return pinned;
  if (app.view !== 'speaker') return null;
  if (pinned) return pinned;
  const speaker = client.activeSpeaker;
  if (speaker && speaker !== client.callId && app.tiles.has(speaker)) app.lastSpeaker = speaker;
  if (app.lastSpeaker && app.tiles.has(app.lastSpeaker)) return app.lastSpeaker;
  return [...client.members.keys()].find(id => app.tiles.has(id)) ?? client.callId;
}

/** Puts the main tile (if any) in the large area and the others in the grid (tile view) or the strip. */
function layoutStage() {
  if (!app.client) return;
  const main = mainTile();
  const area = $('main-area');
  const shown = area.firstElementChild;
  const wanted = main ? app.tiles.get(main)?.el ?? null : null;
  if (shown && shown !== wanted) $('grid').append(shown);
  if (wanted && shown !== wanted) area.append(wanted);
  $('stage').classList.toggle('has-main', !!wanted);
  for (const [id, tile] of app.tiles) {
    tile.el.classList.toggle('pinned', id === app.pinned);
    tile.el.querySelector('.pin').setAttribute('aria-pressed', String(id === app.pinned));
  }
  const speakerView = app.view === 'speaker';
  $('view').setAttribute('aria-pressed', String(speakerView));
  $('view').querySelector('use').setAttribute('href', `/icons.svg#${speakerView ? 'grid' : 'speaker'}`);
  $('view').querySelector('.label').textContent = speakerView ? 'Tile view' : 'Speaker view';
  $('view').title = `${speakerView ? 'Tile view' : 'Speaker view'} (L)`;
  layoutGrid();
}

/** Tile view or speaker view; tile view lets go of a pin. @param {'tiles'|'speaker'} view */
function setView(view) {
  app.view = view;
  localStorage.setItem('atrium.view', view);
  if (view === 'tiles') app.pinned = null;
  for (const id of app.tiles.keys()) refreshTile(id);
  layoutStage();
}

/** Pins a member as the large tile (speaker view), or lets go of the pin (null). @param {string|null} id */
function pin(id) {
  const was = app.pinned;
  app.pinned = id;
  if (id) app.view = 'speaker';
  for (const m of [was, id]) if (m) refreshTile(m);
  layoutStage();
}

/** Updates a member's tile from its state (its pin's label, indicators…). @param {string} id */
function refreshTile(id) {
  const client = app.client;
  const m = id === client.callId ? client.local : client.members.get(id);
  if (m) upsertTile(m);
}

$('view').addEventListener('click', () => setView(app.view === 'speaker' ? 'tiles' : 'speaker'));

/** Columns and rows for the number of tiles: 1, 2x1, 2x2, 3x2, 3x3, 4x3…; phones stack 1 or 2 wide. */
function layoutGrid() {
  const n = Math.max(1, app.tiles.size);
  const narrow = matchMedia('(max-width: 700px)').matches;
  const cols = narrow ? (n <= 2 ? 1 : 2) : Math.min(n, Math.ceil(Math.sqrt(n)), 4);
  const grid = $('grid');
  grid.style.setProperty('--cols', String(Math.min(cols, n)));
  grid.style.setProperty('--rows', String(Math.ceil(n / Math.min(cols, n))));
}
matchMedia('(max-width: 700px)').addEventListener('change', layoutGrid);

function setTrack(tile, key, element, track) {
  if (tile.tracks[key] === track) return;
  tile.tracks[key] = track;
  element.srcObject = track ? new MediaStream([track]) : null;
  element.play?.().catch(() => {});
}

function removeTile(id) {
  const tile = app.tiles.get(id);
  if (!tile) return;
  tile.stopObserving?.();
  tile.el.remove();
  app.tiles.delete(id);
  if (app.lastSpeaker === id) app.lastSpeaker = null;
  if (app.pinned === id) pin(null);
  layoutStage();
  renderScreen();
}

/** The shared screen as the large tile: the first member (others first, then self) who shares. */
function renderScreen() {
  const client = app.client;
  const area = $('screen-area');
  const sharer = [...client.members.values()].find(m => m.screenShare && m.tracks.screen)
    ?? (client.local.screenShare ? client.local : null);
  const current = area.firstElementChild;
  if (!sharer) {
    area.replaceChildren();
    $('stage').classList.remove('has-screen');
    layoutStage();
    return;
  }
  const track = sharer.tracks.screen;
  if (current && current.dataset.member === sharer.id && current.track === track) return;
  const el = document.createElement('figure');
  el.className = 'tile share';
  el.dataset.member = sharer.id;
  el.track = track;
  el.innerHTML = '<video autoplay playsinline muted></video><figcaption><span class="name"></span></figcaption>';
  el.querySelector('.name').textContent = sharer.isLocal ? 'You are sharing your screen' : `${sharer.name} is sharing their screen`;
  el.setAttribute('aria-label', el.querySelector('.name').textContent);
  const video = el.querySelector('video');
  video.srcObject = track ? new MediaStream([track]) : null;
  area.replaceChildren(el);
  $('stage').classList.add('has-screen');
  layoutStage();
}

function showReaction(member, reaction) {
  const tile = app.tiles.get(member.id);
  if (!tile) return;
  const span = document.createElement('span');
  span.className = 'reaction';
  span.dataset.reaction = reaction;
  span.setAttribute('role', 'img');
  span.setAttribute('aria-label', `${member.name}: ${reaction.replace(/_/g, ' ')}`);
  span.innerHTML = REACTIONS[reaction] ? icon(reaction) : '';
  if (!REACTIONS[reaction]) span.textContent = reaction;
  tile.el.append(span);
  setTimeout(() => span.remove(), 3000);
}

// ------------------------------------------------------------------ toolbar

function setButton(id, label, pressed, off = false) {
  const b = $(id);
  b.querySelector('.label').textContent = label;
  b.setAttribute('aria-pressed', String(pressed));
  b.classList.toggle('off', off);
}

function syncToolbar() {
  const l = app.client.local;
  setButton('mic', l.audioMuted ? 'Unmute' : 'Mute', l.audioMuted, l.audioMuted);
  $('mic').setAttribute('aria-label', l.audioMuted ? 'Unmute microphone' : 'Mute microphone');
  $('mic').querySelector('use').setAttribute('href', `/icons.svg#${l.audioMuted ? 'mic-off' : 'mic'}`);
  setButton('cam', l.videoMuted ? 'Start video' : 'Stop video', l.videoMuted, l.videoMuted);
  $('cam').querySelector('use').setAttribute('href', `/icons.svg#${l.videoMuted ? 'cam-off' : 'cam'}`);
  $('cam').setAttribute('aria-label', l.videoMuted ? 'Start camera' : 'Stop camera');
  setButton('screen', l.screenShare ? 'Stop sharing' : 'Share', l.screenShare);
  $('screen').setAttribute('aria-label', l.screenShare ? 'Stop sharing your screen' : 'Share your screen');
  $('screen').disabled = !navigator.mediaDevices?.getDisplayMedia;
  setButton('hand', l.handRaised ? 'Lower hand' : 'Raise hand', l.handRaised);
}

async function guarded(fn) {
  try {
    await fn();
  } catch (e) {
    toast(e instanceof AtriumError && e.reason === 'muted-by-admin'
      ? 'An admin muted you; only an admin can turn it back on.'
      : describe(e));
  }
  syncToolbar();
}

/** Mutes or unmutes; unmuting without a device asks the browser for one first. @param {'audio'|'video'} kind */
async function setMuted(kind, muted) {
  const client = app.client;
  if (!muted && !client.local.tracks[kind]) {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ [kind]: deviceConstraint('', kind === 'video') });
    } catch (e) {
      throw new Error(`${deviceProblem(kind === 'audio' ? 'microphone' : 'camera', e)} Allow it in the browser's site settings and try again.`);
    }
    await client.replaceTrack(kind, stream.getTracks()[0]);
  }
  await (kind === 'audio' ? client.setAudioMuted(muted) : client.setVideoMuted(muted));
  upsertTile(client.local);
}

$('mic').addEventListener('click', () => guarded(() => setMuted('audio', !app.client.local.audioMuted)));
$('cam').addEventListener('click', () => guarded(() => setMuted('video', !app.client.local.videoMuted)));
$('screen').addEventListener('click', () => guarded(async () => {
  if (app.client.local.screenShare) {
    await app.client.stopScreenShare();
  } else {
    try {
      await app.client.startScreenShare();
    } catch (e) {
      throw e instanceof AtriumError ? e : new Error(deviceProblem('screen', e));
    }
  }
  renderScreen();
}));
$('hand').addEventListener('click', () => guarded(() => app.client.setHandRaised(!app.client.local.handRaised)));
// hosts start and stop recording; everyone sees the indicator from recording_started / recording_stopped
$('record').addEventListener('click', () => guarded(() => app.client.request(
  $('recording').hidden ? 'start_recording' : 'stop_recording')));
/** Hosts (admins in the room, however they became one) may end the meeting for everyone. */
const canEndForAll = () => !!app.client?.isAdmin;
const leaveMenu = $('leave-menu');
function toggleLeaveMenu(open) {
  leaveMenu.hidden = !open;
  $('leave').setAttribute('aria-expanded', String(open));
  if (open) $('leave-only').focus();
}
$('leave').addEventListener('click', () => {
  if (canEndForAll()) toggleLeaveMenu(leaveMenu.hidden); else app.client.leave();
});
$('leave-only').addEventListener('click', () => app.client.leave());
$('end-all').addEventListener('click', () => guarded(async () => {
  toggleLeaveMenu(false);
  await app.client.endRoom().catch(e => { throw new Error(`Could not end the meeting: ${describe(e)}`); });
}));

/** The link to give others: the room's readable link, never this browser's host rights. */
function inviteLink() {
  return new URL(roomLink(room), location.origin).href;
}
$('invite').addEventListener('click', async () => {
  const link = inviteLink();
  try {
    await navigator.clipboard.writeText(link);
    toast(`Link copied: ${link}`);
  } catch {
    toast(`Share this link: ${link}`); // no clipboard (not HTTPS, or refused): the person copies it from here
  }
});

// keyboard shortcuts (shown in the tooltips and the settings panel): M microphone, V camera, H hand,
// L speaker view; not while typing
document.addEventListener('keydown', e => {
  if (e.ctrlKey || e.metaKey || e.altKey || $('meeting').hidden) return;
  if (e.target instanceof HTMLElement && e.target.closest('input, textarea, select, [contenteditable]')) return;
  const button = { m: 'mic', v: 'cam', h: 'hand', l: 'view' }[e.key.toLowerCase()];
  if (button) {
    e.preventDefault();
    $(button).click();
  }
});

const menu = $('reactions-menu');
for (const [name, label] of Object.entries(REACTIONS)) {
  const b = document.createElement('button');
  b.type = 'button';
  b.innerHTML = icon(name);
  b.dataset.reaction = name;
  b.title = label;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', () => {
    guarded(() => app.client.sendReaction(name));
    toggleReactions(false);
  });
  menu.append(b);
}
function toggleReactions(open) {
  menu.hidden = !open;
  $('react').setAttribute('aria-expanded', String(open));
  if (open) menu.querySelector('button').focus();
}
$('react').addEventListener('click', () => toggleReactions(menu.hidden));

// ------------------------------------------------------------------ side panel: people, chat, devices

const PANELS = { people: 'People', chat: 'Chat', settings: 'Devices' };
function openPanel(which) {
  app.panel = app.panel === which ? null : which;
  $('panel').hidden = !app.panel;
  for (const p of Object.keys(PANELS)) {
    $(p).setAttribute('aria-expanded', String(app.panel === p));
    $(`${p}-panel`).hidden = app.panel !== p;
  }
  if (!app.panel) return;
  $('panel-h').textContent = PANELS[app.panel];
  if (app.panel === 'chat') {
    app.unread = 0;
    updateBadges();
    $('chat-input').focus();
    $('chat-log').lastElementChild?.scrollIntoView({ block: 'end' });
  } else {
    $('panel-close').focus();
  }
}
for (const p of Object.keys(PANELS)) $(p).addEventListener('click', () => openPanel(p));
$('panel-close').addEventListener('click', () => { const was = app.panel; openPanel(app.panel); $(was)?.focus(); });
document.addEventListener('keydown', e => {
  if (e.key !== 'Escape') return;
  if (!leaveMenu.hidden) { toggleLeaveMenu(false); $('leave').focus(); } else if (!menu.hidden) { toggleReactions(false); $('react').focus(); } else if (app.panel) { const was = app.panel; openPanel(was); $(was).focus(); }
});

function updateBadges() {
  const w = app.client?.isAdmin ? app.client.waiting.size : 0;
  $('people-badge').hidden = w === 0;
  $('people-badge').textContent = String(w);
  $('people').setAttribute('aria-label', w ? `People, ${w} waiting` : 'People');
  $('chat-badge').hidden = app.unread === 0;
  $('chat-badge').textContent = String(app.unread);
  $('chat').setAttribute('aria-label', app.unread ? `Chat, ${app.unread} unread` : 'Chat');
}

function actionButton(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => guarded(onClick));
  return b;
}

function renderPeople() {
  const client = app.client;
  if (!client || client.state === 'ended') return;
  updateBadges();
  const waiting = [...client.waiting.values()];
  $('waiting-section').hidden = !client.isAdmin || waiting.length === 0;
  $('waiting-list').replaceChildren(...waiting.map(w => {
    const li = document.createElement('li');
    li.dataset.member = w.member;
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = w.name;
    const actions = document.createElement('div');
    actions.className = 'actions';
    const admit = actionButton('Admit', () => client.allowMember(w.member));
    admit.setAttribute('aria-label', `Admit ${w.name}`);
    admit.dataset.action = 'admit';
    const reject = actionButton('Reject', () => client.rejectMember(w.member));
    reject.setAttribute('aria-label', `Reject ${w.name}`);
    reject.dataset.action = 'reject';
    actions.append(admit, reject);
    li.append(who, actions);
    return li;
  }));
  const people = [client.local, ...client.members.values()];
  $('people-list').replaceChildren(...people.map(m => {
    const li = document.createElement('li');
    li.dataset.member = m.id;
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = (m.isLocal ? `${m.name} (you)` : m.name) + (m.isAdmin ? ' · host' : '');
    const states = [[m.audioMuted, 'mic-off', 'microphone off'], [m.videoMuted, 'cam-off', 'camera off'],
      [m.handRaised, 'hand', 'hand raised'], [m.screenShare, 'screen', 'sharing the screen']].filter(([on]) => on);
    for (const [, name, text] of states) {
      const span = document.createElement('span');
      span.className = 'state';
      span.title = text;
      span.innerHTML = icon(name) + `<span class="visually-hidden">${text}</span>`;
      who.append(span);
    }
    li.append(who);
    if (client.isAdmin && !m.isLocal) {
      const actions = document.createElement('div');
      actions.className = 'actions';
      const a = m.audioMutedByAdmin
        ? actionButton('Allow mic', () => client.muteMember(m.id, 'audio', false))
        : actionButton('Mute', () => client.muteMember(m.id, 'audio', true));
      a.setAttribute('aria-label', `${m.audioMutedByAdmin ? 'Allow microphone of' : 'Mute'} ${m.name}`);
      a.dataset.action = m.audioMutedByAdmin ? 'unmute-audio' : 'mute-audio';
      const v = m.videoMutedByAdmin
        ? actionButton('Allow camera', () => client.muteMember(m.id, 'video', false))
        : actionButton('Stop camera', () => client.muteMember(m.id, 'video', true));
      v.setAttribute('aria-label', `${m.videoMutedByAdmin ? 'Allow camera of' : 'Stop camera of'} ${m.name}`);
      v.dataset.action = m.videoMutedByAdmin ? 'unmute-video' : 'mute-video';
      const r = actionButton('Remove', () => client.removeMember(m.id));
      r.setAttribute('aria-label', `Remove ${m.name} from the meeting`);
      r.dataset.action = 'remove';
      r.classList.add('danger');
      actions.append(a, v, r);
      li.append(actions);
    }
    return li;
  }));
}

async function loadChat() {
  try {
    const messages = await app.client.chatHistory({ limit: 100 });
    messages.forEach(m => addChat(m, false));
  } catch (e) {
    console.warn('chat history', e);
  }
}

function addChat(message, live) {
  if (app.chatIds.has(message.id)) return;
  app.chatIds.add(message.id);
  const li = document.createElement('li');
  li.dataset.id = message.id;
  const meta = document.createElement('div');
  meta.className = 'meta';
  const when = message.sent_at ? new Date(message.sent_at) : new Date();
  meta.textContent = `${message.member === app.client.callId ? 'You' : message.name} · ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = message.text;
  li.append(meta, text);
  const log = $('chat-log');
  // history arrives oldest first; keep the log in time order
  const later = [...log.children].find(x => x.sentAt > when.getTime());
  li.sentAt = when.getTime();
  log.insertBefore(li, later ?? null);
  if (app.panel === 'chat') li.scrollIntoView({ block: 'end' });
  else if (live && message.member !== app.client.callId) { app.unread++; updateBadges(); }
}

$('chat-form').addEventListener('submit', async e => {
  e.preventDefault();
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text) return;
  try {
    const message = await app.client.sendChat(text);
    input.value = '';
    if (message) addChat(message, false);
  } catch (err) {
    toast(`Message not sent: ${describe(err)}`);
  }
});

/**
 * A new device track for the call, swapped in without renegotiating. For the microphone the processing
 * is asked for exactly: Chromium otherwise hands out the device's open source with its old settings.
 */
async function switchDevice(kind, deviceId) {
  $('settings-error').textContent = '';
  try {
    const c = deviceConstraint(deviceId, kind === 'video');
    if (kind === 'audio') for (const k of ['noiseSuppression', 'echoCancellation']) c[k] = { exact: c[k] };
    const s = await navigator.mediaDevices.getUserMedia({ [kind]: c }).catch(e => {
      // a browser that opens a device with one processing at a time: let go of the current track first
      if (e?.name !== 'OverconstrainedError' || !app.client.local.tracks[kind]) throw e;
      app.client.local.tracks[kind].stop();
      return navigator.mediaDevices.getUserMedia({ [kind]: c });
    });
    await app.client.replaceTrack(kind, s.getTracks()[0]);
    upsertTile(app.client.local);
    syncToolbar();
  } catch (e) {
    $('settings-error').textContent = e instanceof AtriumError ? describe(e)
      : `Cannot use that device. ${deviceProblem(kind === 'audio' ? 'microphone' : 'camera', e)}`;
  }
}
$('mic-select').addEventListener('change', e => switchDevice('audio', e.target.value));
// noise suppression and echo cancellation: a new microphone track with the processing asked for,
// swapped in without renegotiating (Chromium does not change them on a live track)
for (const [id, key] of [['noise-suppression', 'noiseSuppression'], ['echo-cancellation', 'echoCancellation']]) {
  $(id).checked = audioProcessing()[key];
  $(id).addEventListener('change', () => {
    localStorage.setItem('atrium.audio', JSON.stringify({ ...audioProcessing(), [key]: $(id).checked }));
    const device = app.client?.local.tracks.audio?.getSettings().deviceId ?? $('mic-select').value;
    if (app.client?.local.tracks.audio) switchDevice('audio', device);
  });
}
$('cam-select').addEventListener('change', e => switchDevice('video', e.target.value));

$('rejoin').addEventListener('click', () => location.reload());
addEventListener('pagehide', () => { if (app.client && app.client.state !== 'ended') app.client.leave(); });
