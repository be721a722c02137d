// Atrium JS SDK: the room protocol (docs/PROTOCOL.md) over one WebSocket, a publish peer connection
// and a receive peer connection. Plain ES module, no dependencies, no build step:
//
//   import { AtriumClient } from '/atrium.js';
//   const client = new AtriumClient({ room: roomId });
//   await client.connect();
//   await client.authenticate({ displayName: 'Ann' });       // resolves once admitted (after the waiting room)
//   await client.join({ audioTrack, videoTrack });
//   client.addEventListener('memberjoin', e => show(e.detail.member));
//
// The whole API is in docs/WEB.md. The JSON-RPC transport (socket, request ids, timeouts, reopening
// with backoff) is rpc.js; this module is the client of the room on top of it.

import { AtriumError, RpcSocket, defaultUrl } from './rpc.js';

export { AtriumError };

const DEFAULT_RECONNECT_WINDOW_MS = 60_000;
const RESIZE_DEBOUNCE_MS = 400;
const DEFAULT_TILE = { width: 320, height: 180 };
/** A video registration lapses 120 s after its last refresh; the protocol asks for one every minute. */
const REGISTRATION_REFRESH_MS = 60_000;
/** How often the SDK sets up a publish connection again after Atrium removed it for never connecting. */
const SETUP_RETRIES = 2;
/**
 * How long a connection may stay ICE `disconnected` before the SDK restarts ICE. Chromium calls a connection whose
 * path went silent `disconnected` after about 5 s and never `failed` (only its `connectionState` fails, some 10 s
 * later), while Atrium removes a member from whom no media came for `rooms.media_timeout_seconds` (10 by default):
 * restarting 2 s into `disconnected` brings the media back on a new connection before that, once the network is back
 * or another path works.
 */
const ICE_DISCONNECTED_RESTART_MS = 2_000;
/** True when a connection's path is lost: ICE disconnected or failed, or the connection failed. */
const pathLost = pc => ['disconnected', 'failed'].includes(pc?.iceConnectionState) || pc?.connectionState === 'failed';
/** The SDK's message for an end by Atrium refusing the connection, by the refusal's reason (rpc.js). */
const REFUSED = {
  'too-many-connections': 'The server refused the connection: too many connections from this network.',
  'rate-limited': 'The server refused the connection: too many requests from this network.',
};
/** Simulcast layers of the camera: quarter, half and full resolution. */
export const SIMULCAST_ENCODINGS = Object.freeze([
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', maxBitrate: 1_500_000 },
]);

/** The SVC scalability modes the camera may be sent in (W3C webrtc-svc): spatial × temporal layers, k-SVC or not. */
const SVC_MODE = /^L([1-3])T([1-3])(h|_KEY|_KEY_SHIFT)?$/;

/**
 * Of SVC mode `mode`, the mode and `scaleResolutionDownBy` that encode only its lowest `spatial` spatial layers at the
 * sizes they have in `mode` (layers are 2:1 apart, 1.5:1 in the 'h' modes); all of them when `spatial` is not less.
 * E.g. ('L3T3_KEY', 1) → ['L1T3', 4], ('L3T3_KEY', 2) → ['L2T3_KEY', 2].
 */
export function svcReduced(mode, spatial) {
  const [, l, t, suffix = ''] = SVC_MODE.exec(mode);
  const keep = Math.max(1, Math.min(Number(l), spatial ?? Number(l)));
  if (keep === Number(l)) return [mode, 1];
  return [keep === 1 ? `L1T${t}` : `L${keep}T${t}${suffix}`, (suffix === 'h' ? 1.5 : 2) ** (Number(l) - keep)];
}

/**
 * One member of the room as the SDK keeps it (camelCase of the protocol's RoomMember), plus the
 * tracks received from it.
 * @typedef {object} Member
 * @property {string} id the call id
 * @property {string|null} user
 * @property {string} name
 * @property {boolean} isAdmin
 * @property {boolean} handRaised
 * @property {boolean} screenShare
 * @property {boolean} audioMuted
 * @property {boolean} videoMuted
 * @property {boolean} audioMutedByAdmin
 * @property {boolean} videoMutedByAdmin
 * @property {boolean} isSip
 * @property {string} quality 'excellent' | 'good' | 'fair' | 'poor' | 'unknown'
 * @property {number} audioLevel 0 (loudest) to 127 (silence), RFC 6464
 * @property {boolean} isLocal
 * @property {{audio: MediaStreamTrack|null, video: MediaStreamTrack|null, screen: MediaStreamTrack|null}} tracks
 */

/** @param {object} m a RoomMember from the server @param {boolean} [isLocal] @returns {Member} */
function memberFrom(m, isLocal = false) {
  return {
    id: m.id,
    user: m.user ?? null,
    name: m.name ?? 'Guest',
    isAdmin: !!m.is_admin,
    handRaised: !!m.hand_raised,
    screenShare: !!m.screen_share,
    audioMuted: !!m.audio_muted,
    videoMuted: !!m.video_muted,
    audioMutedByAdmin: !!m.audio_muted_by_admin,
    videoMutedByAdmin: !!m.video_muted_by_admin,
    isSip: !!m.is_sip,
    quality: m.connection_quality ?? 'unknown',
    audioLevel: 127,
    isLocal,
    tracks: { audio: null, video: null, screen: null },
  };
}

/**
 * A client of one Atrium room. Events (CustomEvent, payload in `detail`):
 *
 * - `statechange` {state}: 'idle' → 'connecting' → 'connected' → ('waiting') → 'authenticated' →
 *   'joining' → 'joined' (⇄ 'reconnecting') → 'ended'
 * - `waiting` {}: this client was put in the waiting room; `admitted` {} when let in
 * - `memberjoin` {member}, `memberleave` {member, byAdmin}, `memberupdate` {member, change}
 * - `tracks` {member}: the tracks received from a member changed (after each subscription)
 * - `mute` {member, kind: 'audio'|'video', muted, byAdmin}
 * - `hand` {member, raised}, `reaction` {member, reaction}, `screenshare` {member, sharing}
 * - `activespeaker` {member|null}, `audiolevel` {member, level}, `quality` {member, quality}
 * - `chat` {message}
 * - `waitinglist` {waiting: [{member, name, user}], nudged?: id}: admins, when someone waits or stops waiting
 * - `reconnecting` {cause}, `reconnected` {}
 * - `retrying` {reason, retryInMs}: an attempt to reconnect failed and the next comes in `retryInMs`;
 *   `reason` is the failure's ({@link AtriumError} reasons), 'too-many-connections' when Atrium refused the
 *   socket (its address has too many open) and 'rate-limited' when it answered 429
 * - `ended` {reason, message, endedBy?}: 'left' | 'removed' | 'rejected' | 'timeout' | 'room-ended' |
 *   'connection-lost' | 'too-many-connections' | 'rate-limited' (Atrium refused the connection; for the
 *   reconnect, the whole `reconnectWindowMs`) | 'token'; `endedBy` for 'room-ended': 'host' (a host ended it for everyone), 'you'
 *   (this client did, `endRoom`) or null (the server); the client cannot be used after it
 * - `notification` {method, params}: every server notification, raw
 */
export class AtriumClient extends EventTarget {
  /**
   * @param {object} options
   * @param {string} [options.room] the room uuid (not needed by a client that only creates a temporary room
   *   or waits for invites: {@link createTempRoom}, {@link registerRoomApi}, {@link answerInvite})
   * @param {string} [options.url] WebSocket URL; default ws(s)://<this host>/v1/rtc
   * @param {string} [options.callId] this call's id; default a random UUID
   * @param {number} [options.rpcTimeoutMs] how long a request waits for its answer (10 s)
   * @param {number} [options.reconnectWindowMs] how long to keep trying after the socket drops (60 s)
   * @param {RTCIceServer[]} [options.iceServers] extra ICE servers; the TURN servers Atrium hands out
   *   (`ice_servers` in the authenticate/join_room/subscribe_room results) are added to them
   * @param {RTCIceTransportPolicy} [options.iceTransportPolicy] 'all' (default) or 'relay' (TURN only)
   * @param {boolean} [options.simulcast] send the camera in three layers (default true)
   * @param {string} [options.scalabilityMode] send the camera instead as one VP9 SVC encoding in this mode, e.g.
   *   'L3T3_KEY' (spatial layers of ¼, ½ and full size; VP9 preferred in the offer); Atrium then tells how many
   *   spatial layers some subscriber needs, and the others are not encoded (dynacast)
   */
  constructor(options) {
    super();
    options ??= {};
    /** @type {string|null} the room uuid (set by createTempRoom and answerInvite when not given) */
    this.room = options.room ?? null;
    this.url = options.url ?? defaultUrl();
    this.callId = options.callId ?? crypto.randomUUID();
    /** the JSON-RPC connection (rpc.js); its socket is replaced on reconnect */
    this.rpc = new RpcSocket({ url: this.url, timeoutMs: options.rpcTimeoutMs });
    this.rpcTimeoutMs = this.rpc.timeoutMs;
    this.rpc.addEventListener('notification', e => this._onNotification(e.detail.method, e.detail.params));
    this.rpc.addEventListener('drop', e => this._onSocketClosed(e.detail));
    this.reconnectWindowMs = options.reconnectWindowMs ?? DEFAULT_RECONNECT_WINDOW_MS;
    this.iceServers = options.iceServers ?? [];
    this.iceTransportPolicy = options.iceTransportPolicy ?? 'all';
    /** @type {RTCIceServer[]|null} the ICE servers (TURN credentials) from Atrium's last answer */
    this._serverIceServers = null;
    this.simulcast = options.simulcast ?? true;
    if (options.scalabilityMode != null && !SVC_MODE.test(options.scalabilityMode)) {
      throw new TypeError(`scalabilityMode must be one like L3T3_KEY or L2T2 (got ${options.scalabilityMode})`);
    }
    this.scalabilityMode = options.scalabilityMode ?? null;

    /** @type {string} */
    this.state = 'idle';
    /** @type {string|null} */
    this.authToken = null;
    this.isAdmin = false;
    /** The id of the room's running recording, or null (join_room's result, then recording_started/_stopped). */
    this.recordingId = null;
    /** @type {Map<string, Member>} the other members, by call id */
    this.members = new Map();
    /** @type {Member} this client as a member */
    this.local = memberFrom({ id: this.callId, name: '' }, true);
    /** @type {Map<string, {member: string, name: string, user: string|null}>} waiting room (admins) */
    this.waiting = new Map();
    /** @type {string|null} */
    this.activeSpeaker = null;
    /** @type {RTCPeerConnection|null} */
    this.publishPc = null;
    /** @type {RTCPeerConnection|null} */
    this.receivePc = null;

    this._closing = false;
    this._transceivers = { audio: null, video: null, screen: null };
    /** @type {MediaStreamTrack|null} */
    this._screenTrack = null;
    this._silentAudio = null;
    /** receive slots: member id → {audio, video, screen} transceivers; parked (inactive) slots of members who left */
    this._slots = new Map();
    this._freeSlots = [];
    /** member id → {width, height} the tile is rendered at */
    this._sizes = new Map();
    this._subscribeRunning = null;
    this._subscribeAgain = false;
    this._receiveBitrate = null;
    this._iceRestartPending = { publish: false, receive: false };
    this._iceRestartTimers = { publish: null, receive: null };
    this._iceRestarting = { publish: false, receive: false };
    /** whether the publish connection ever connected (ICE + DTLS), and how often its setup was retried */
    this._publishConnected = false;
    this._setupRetries = 0;
    /** @type {string|null} why the last attempt of a retry loop failed (rpc.js openWith) */
    this._lastFailure = null;
    this._admitted = null;
    /** create_temp_room's parameters until its answer, then the answer; the video registration ({creds, timer}) */
    this._create = null;
    this._created = null;
    this._registration = null;
    /** @type {boolean} joined without publishing (join({receiveOnly: true})) */
    this.receiveOnly = false;
    /** @type {Map<string, any>} shared state read with subscribeState: name → document value, or map as an object */
    this.sharedState = new Map();
  }

  // ---------------------------------------------------------------- socket and JSON-RPC (rpc.js)

  /** Opens the WebSocket. Rejects with reason 'unreachable' when it cannot. */
  async connect() {
    this._setState('connecting');
    await this.rpc.open();
    this._setState('connected');
  }

  /** @type {WebSocket|null} the current socket (replaced on reconnect) */
  get socket() {
    return this.rpc.socket;
  }

  /**
   * Sends a request and resolves to its `result`; rejects with an {@link AtriumError} for an
   * `error` answer, a timeout (reason 'timeout') or a closed socket (reason 'closed').
   * @param {string} method @param {object} [params] @param {number} [timeoutMs]
   */
  request(method, params = {}, timeoutMs = this.rpcTimeoutMs) {
    return this.rpc.request(method, params, timeoutMs);
  }

  /** Sends a notification (no answer). Returns false when the socket is not open. */
  notify(method, params = {}) {
    return this.rpc.notify(method, params);
  }

  // ---------------------------------------------------------------- authentication and waiting room

  /**
   * Authenticates and resolves to the auth token once this client may join; when Atrium puts it in
   * the waiting room, emits `waiting` and resolves after an admin lets it in (rejects with reason
   * 'rejected' if refused). Without username/password or device it joins anonymously.
   * @param {object} [creds]
   * @param {string} [creds.username] @param {string} [creds.password]
   * @param {string} [creds.device] @param {string} [creds.deviceToken]
   * @param {string} [creds.displayName] @param {string} [creds.roomPassword]
   * @returns {Promise<string>} the auth token
   */
  async authenticate(creds = {}) {
    if (!this.room) {
      throw new AtriumError('authenticate: the client has no room (options.room)');
    }
    const params = { room: this.room, call_id: this.callId, ...credentials(creds) };
    if (creds.displayName) params.display_name = creds.displayName;
    if (creds.roomPassword) params.room_password = creds.roomPassword;
    this.local.name = creds.displayName || creds.username || 'Guest';
    try {
      const result = await this.request('authenticate', params);
      this._takeIceServers(result);
      this.useToken(result.auth_token);
      return this.authToken;
    } catch (e) {
      if (!(e instanceof AtriumError) || e.reason !== 'waiting') {
        throw e;
      }
    }
    this._setState('waiting');
    const admitted = new Promise((resolve, reject) => { this._admitted = { resolve, reject }; });
    this._emit('waiting', {});
    const token = await admitted;
    this.useToken(token);
    this._emit('admitted', {});
    return token;
  }

  /**
   * Uses an access token minted elsewhere (POST /v1/tokens, or `member_allowed`): `join` then needs
   * no `authenticate`. The call id and admin flag are read from the token.
   * @param {string} token
   */
  useToken(token) {
    this.authToken = token;
    const claims = decodeJwt(token);
    if (claims?.sub) this.callId = this.local.id = claims.sub;
    if (claims?.name) this.local.name = claims.name;
    if (claims) this.isAdmin = this.local.isAdmin = !!claims.admin;
    this._setState('authenticated');
  }

  // ---------------------------------------------------------------- SIP users: invites and temporary rooms

  /**
   * Makes this client's socket a video registration of a SIP user (`register_room_api`, docs/PROTOCOL.md)
   * and refreshes it every minute until the client ends, and at once on every new socket (a client that
   * only waits for calls reopens a dropped one by itself): the user's invites then arrive as `invite`
   * events, and end as `inviteend`. Answer one with {@link answerInvite} and {@link join}.
   * @param {{username: string, password: string} | {device: string, deviceToken: string}} creds
   * @returns {Promise<{user: string, expires_in: number}>}
   */
  async registerRoomApi(creds) {
    if (!this.rpc.isOpen) await this.connect();
    const result = await this._register(creds);
    clearInterval(this._registration?.timer);
    this._registration = { creds, timer: setInterval(() => this._registerAgain(), REGISTRATION_REFRESH_MS) };
    return result;
  }

  /** Sends `register_room_api` with `creds` (by default the registration's) on the current socket. */
  _register(creds = this._registration.creds) {
    return this.request('register_room_api', credentials(creds));
  }

  /**
   * Answers an invite (an `invite` event's detail): the client takes the invite's room and token,
   * and its {@link join} joins that room (the first of the user's phones and apps to answer wins; the
   * others stop ringing).
   * @param {{room: string, authToken: string}} invite
   */
  answerInvite(invite) {
    this.room = invite.room;
    this.useToken(invite.authToken);
  }

  /** Declines an invite for all of the user's phones and apps (`decline_room_invite`). @param {{callId: string}} invite */
  declineInvite(invite) {
    return this.request('decline_room_invite', { call_id: invite.callId });
  }

  /**
   * Starts an ad-hoc conference (`create_temp_room`): a new temporary room with this user as its
   * admin, joined with `media` as {@link join} does, and `invited` (extensions or numbers) rung.
   * An invite nobody takes ends as an `invitereject` event.
   * @param {object} creds `{username, password}` or `{device, deviceToken}`, plus `invited` (string[])
   * @param {object} [media] as for {@link join}
   * @returns {Promise<{callId, isAdmin, members, room: string, invited: object[], failed: object[]}>}
   */
  async createTempRoom({ invited = [], ...creds }, media = {}) {
    if (!this.rpc.isOpen) await this.connect();
    this._create = { call_id: this.callId, invited, ...credentials(creds) }; // join's first offer goes as create_temp_room
    let joined;
    try {
      joined = await this.join(media);
    } finally {
      this._create = null;
    }
    return { ...joined, room: this.room, invited: this._created.invited, failed: this._created.failed };
  }

  /** In the waiting room: reminds the admins that this client is waiting. */
  stillWaiting() {
    return this.notify('still_waiting', {});
  }

  // ---------------------------------------------------------------- joining and publishing

  /**
   * Joins the room: publishes on a new peer connection and starts receiving the others.
   * Mutes are `track.enabled = false` (RTP keeps flowing, so Atrium's inactivity rule never
   * removes a muted member). Without a microphone track a silent one is sent for the same reason.
   * @param {object} [media]
   * @param {MediaStreamTrack|null} [media.audioTrack]
   * @param {MediaStreamTrack|null} [media.videoTrack]
   * @param {boolean} [media.audioMuted] @param {boolean} [media.videoMuted]
   * @param {boolean} [media.receiveOnly] join without publishing anything (needs a token that may not
   *   publish, e.g. a live stream's viewer): no publish connection, only the receive one
   * @returns {Promise<{callId: string, isAdmin: boolean, recordingId: string|null, members: Member[]}>}
   *   (`recordingId`: the room is being recorded; `recording_started`/`recording_stopped` tell of changes)
   */
  async join(media = {}) {
    if (!this.authToken && !this._create) {
      throw new AtriumError('join: authenticate first (or useToken)');
    }
    if (!this.rpc.isOpen) {
      await this.connect();
    }
    this._setState('joining');
    if (media.receiveOnly) {
      this.receiveOnly = true;
      this.local.audioMuted = this.local.videoMuted = true;
      return this._joined(await this._publishOffer(false));
    }
    const audioTrack = media.audioTrack ?? this._silentTrack();
    const videoTrack = media.videoTrack ?? null;
    this.local.audioMuted = !!media.audioMuted || !media.audioTrack;
    this.local.videoMuted = !!media.videoMuted || !videoTrack;
    audioTrack.enabled = !this.local.audioMuted;
    if (videoTrack) videoTrack.enabled = !this.local.videoMuted;
    this.local.tracks.audio = media.audioTrack ?? null;
    this.local.tracks.video = videoTrack;

    const knewServers = this._serverIceServers !== null;
    this._newPublishPc(audioTrack);
    let result = await this._publishOffer(false);
    if (!knewServers && this._serverIceServers?.length) {
      // joined with a token from elsewhere: the TURN servers came with the answer; gather with them
      result = await this._publishOffer(true);
    }
    return this._joined(result);
  }

  /**
   * A new publish connection sending the current tracks (microphone or `audioTrack`, camera, screen):
   * at join, and when another media server answers a rejoin.
   */
  _newPublishPc(audioTrack = this.local.tracks.audio ?? this._silentTrack()) {
    const pc = new RTCPeerConnection(this._pcConfig());
    this.publishPc = pc;
    this._publishConnected = false;
    const stream = new MediaStream();
    this._transceivers.audio = pc.addTransceiver(audioTrack, { direction: 'sendonly', streams: [stream] });
    this._transceivers.video = pc.addTransceiver(this.local.tracks.video ?? 'video', {
      direction: 'sendonly', streams: [stream],
      sendEncodings: this.scalabilityMode ? [{ scalabilityMode: this.scalabilityMode }]
        : this.simulcast ? SIMULCAST_ENCODINGS.map(e => ({ ...e })) : undefined,
    });
    if (this.scalabilityMode) {
      const codecs = RTCRtpSender.getCapabilities('video').codecs;
      this._transceivers.video.setCodecPreferences([...codecs.filter(c => c.mimeType === 'video/VP9'),
        ...codecs.filter(c => c.mimeType !== 'video/VP9')]);
    }
    this._transceivers.screen = pc.addTransceiver(this._screenTrack ?? 'video', { direction: 'sendonly', streams: [new MediaStream()] });
    pc.addEventListener('iceconnectionstatechange', () => this._onIceState('publish', pc));
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected' && pc === this.publishPc) this._publishConnected = true;
      this._onIceState('publish', pc);
    });
  }

  /** Receives on a new connection from the next subscribe on (the old one's DTLS session is gone or another server's). */
  _dropReceiving() {
    this.receivePc?.close();
    this.receivePc = null;
    this._slots.clear();
    this._freeSlots = [];
    for (const m of this.members.values()) m.tracks = { audio: null, video: null, screen: null };
  }

  /** Takes in join_room's result: who we are, who is here, whether the room is being recorded. */
  _joined(result) {
    this.callId = this.local.id = result.call_id ?? this.callId;
    this.isAdmin = this.local.isAdmin = !!result.is_admin;
    this.recordingId = result.recording_id ?? null;
    for (const m of result.members ?? []) {
      this.members.set(m.id, memberFrom(m));
    }
    this._setState('joined');
    this._scheduleSubscribe();
    return { callId: this.callId, isAdmin: this.isAdmin, recordingId: this.recordingId, members: [...this.members.values()] };
  }

  /** The configuration of a new peer connection: the app's and Atrium's ICE servers. */
  _pcConfig() {
    return {
      iceServers: [...this.iceServers, ...(this._serverIceServers ?? [])],
      iceTransportPolicy: this.iceTransportPolicy, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require',
    };
  }

  /** Keeps the `ice_servers` of an answer (fresh TURN credentials) for new and restarted connections. */
  _takeIceServers(result) {
    if (!Array.isArray(result?.ice_servers)) return;
    this._serverIceServers = result.ice_servers;
    for (const pc of [this.publishPc, this.receivePc]) {
      if (pc && pc.signalingState !== 'closed') pc.setConfiguration(this._pcConfig());
    }
  }

  /** One join_room exchange from the publish connection (first join, rejoin, ICE restart). */
  async _publishOffer(iceRestart) {
    if (this.receiveOnly) {
      const result = await this.request('join_room', { auth_token: this.authToken });
      this._takeIceServers(result);
      return result;
    }
    const pc = this.publishPc;
    if (pc.signalingState !== 'stable') {
      await pc.setLocalDescription({ type: 'rollback' });
    }
    await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
    let result;
    try {
      const media = { sdp: pc.localDescription.sdp, audio_muted: this.local.audioMuted, video_muted: this.local.videoMuted,
        dynacast: true };
      if (this._create) {
        result = await this.request('create_temp_room', { ...this._create, ...media });
        this._create = null;
        this._created = result;
        this.room = result.room_id;
        this.authToken = result.auth_token;
      } else {
        result = await this.request('join_room', { ...media, auth_token: this.authToken });
      }
    } catch (e) {
      if (pc.signalingState === 'have-local-offer') {
        await pc.setLocalDescription({ type: 'rollback' });
      }
      throw e;
    }
    if (pc.remoteDescription && !sameServerConnection(pc.remoteDescription.sdp, result.sdp)) {
      // a new connection answered (a rejoin after the reconnect grace, an ICE restart, or another media server).
      // Chromium would keep its DTLS session with the old one, the old connection's SSRCs are new to it, and
      // Chromium no longer sends the mid/rid header extensions that would map them to the camera's simulcast
      // layers (the old connection acknowledged them): start afresh, receiving on a new connection too
      pc.close();
      this._newPublishPc();
      this._dropReceiving();
      const fresh = await this._publishOffer(false);
      this._scheduleSubscribe(); // nothing before joined: a join or rejoin subscribes once it is
      return fresh;
    }
    await pc.setRemoteDescription({ type: 'answer', sdp: result.sdp });
    this._takeIceServers(result);
    // dynacast: Atrium starts this publisher's layers from "all encoded" at every join_room
    this._layers = { camera: null, screen: null };
    this._applyLayers('camera');
    this._applyLayers('screen');
    return result;
  }

  /**
   * Dynacast (`publish_layers`, docs/PROTOCOL.md): encodes only the simulcast layers Atrium says a subscriber
   * needs (`RTCRtpSender.setParameters`, `encodings[i].active`), or of one SVC encoding only its lowest
   * `spatial_layers` (a smaller `scalabilityMode` at a larger `scaleResolutionDownBy`, so the layers kept keep their
   * sizes); everything when it said nothing since the last join_room. One change at a time, the newest state last.
   */
  _applyLayers(source) {
    this._layersApplied = (this._layersApplied ?? Promise.resolve()).then(async () => {
      const sender = this._transceivers[source === 'screen' ? 'screen' : 'video']?.sender;
      const params = sender?.getParameters();
      const told = this._layers?.[source] ?? {};
      if (params?.encodings?.length === 1 && source === 'camera' && this.scalabilityMode) {
        const [mode, scale] = svcReduced(this.scalabilityMode, told.spatial_layers);
        const e = params.encodings[0];
        if (e.scalabilityMode !== mode || (e.scaleResolutionDownBy ?? 1) !== scale) {
          e.scalabilityMode = mode;
          e.scaleResolutionDownBy = scale;
          await sender.setParameters(params);
        }
        return;
      }
      if (!params?.encodings || params.encodings.length < 2) return;
      const active = told.active ?? {};
      let changed = false;
      for (const e of params.encodings) {
        const want = active[e.rid] ?? true;
        if (e.rid && e.active !== want) {
          e.active = want;
          changed = true;
        }
      }
      if (changed) await sender.setParameters(params);
    }).catch(e => console.warn('atrium: could not apply publish_layers', e));
  }

  /** A silent audio track, so a member without a microphone still sends RTP. */
  _silentTrack() {
    if (!this._silentAudio) {
      const ctx = new AudioContext();
      const dest = ctx.createMediaStreamDestination();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      gain.gain.value = 0;
      osc.connect(gain).connect(dest);
      osc.start();
      this._silentAudio = { ctx, track: dest.stream.getAudioTracks()[0] };
    }
    return this._silentAudio.track;
  }

  /** Mutes or unmutes the microphone. Rejects with reason 'muted-by-admin' while an admin's mute stands. */
  async setAudioMuted(muted) {
    return this._setMuted('audio', muted);
  }

  /** Mutes or unmutes the camera. */
  async setVideoMuted(muted) {
    return this._setMuted('video', muted);
  }

  async _setMuted(kind, muted) {
    const track = this.local.tracks[kind];
    if (!muted && !track) {
      throw new AtriumError(`no ${kind === 'audio' ? 'microphone' : 'camera'} to unmute`);
    }
    const key = kind === 'audio' ? 'audioMuted' : 'videoMuted';
    if (this.local[key] === muted) {
      return;
    }
    if (!muted) {
      await this.request(`unmute_${kind}`); // refused while an admin's mute stands: stays muted
    }
    if (track) track.enabled = !muted;
    this.local[key] = muted;
    if (muted) {
      this.request(`mute_${kind}`).catch(e => console.warn(`atrium: mute_${kind}`, e));
    }
    this._emit('mute', { member: this.local, kind, muted, byAdmin: false });
  }

  /**
   * Switches the microphone or camera to another track (e.g. from another deviceId) without
   * renegotiating; the old track is stopped. The mute state carries over.
   * @param {'audio'|'video'} kind @param {MediaStreamTrack} track
   */
  async replaceTrack(kind, track) {
    const old = this.local.tracks[kind];
    const muted = kind === 'audio' ? this.local.audioMuted : this.local.videoMuted;
    track.enabled = !muted;
    await this._transceivers[kind].sender.replaceTrack(track);
    this.local.tracks[kind] = track;
    if (old && old !== track) old.stop();
    if (!old && muted) {
      // a first real track after joining without a device: now it can be unmuted
      this._emit('memberupdate', { member: this.local, change: 'tracks' });
    }
  }

  /**
   * Shares the screen: asks the browser for a display (getDisplayMedia), sends it on the screen
   * transceiver and tells the room. Ends by itself when the browser's "stop sharing" is used.
   * @param {MediaStreamTrack} [track] a track to share instead of asking the browser
   */
  async startScreenShare(track) {
    if (!track) {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
      track = stream.getVideoTracks()[0];
    }
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this._screenTrack === track) this.stopScreenShare();
    });
    const old = this._screenTrack;
    await this._transceivers.screen.sender.replaceTrack(track);
    this._screenTrack = this.local.tracks.screen = track;
    old?.stop();
    await this.request('start_screen_share');
    this.local.screenShare = true;
    this._emit('screenshare', { member: this.local, sharing: true });
  }

  /** Stops sharing the screen. */
  async stopScreenShare() {
    const track = this._screenTrack;
    this._screenTrack = this.local.tracks.screen = null;
    if (!track) return;
    track.stop();
    this.local.screenShare = false;
    await this._transceivers.screen?.sender.replaceTrack(null);
    this._emit('screenshare', { member: this.local, sharing: false });
    await this.request('stop_screen_share').catch(e => console.warn('atrium: stop_screen_share', e));
  }

  /** Raises or lowers this member's hand. */
  async setHandRaised(raised) {
    await this.request(raised ? 'raise_hand' : 'unraise_hand');
    this.local.handRaised = raised;
    this._emit('hand', { member: this.local, raised });
  }

  /** Sends a reaction to the room, e.g. 'thumbs_up' (1–32 of a–z 0–9 _ -). */
  sendReaction(reaction) {
    return this.request('send_reaction', { reaction });
  }

  /**
   * Sends keypad digits (0-9 * # A-D, at most 32) to the phones in the room: to one phone member if
   * `memberId` is given, else to every phone (e.g. to steer a voice menu the room dialled).
   */
  sendDtmf(digits, memberId) {
    return this.request('send_dtmf', memberId ? { digits, member: memberId } : { digits });
  }

  // ---------------------------------------------------------------- chat

  /** Sends a chat message; resolves to the stored message. @param {string} text */
  async sendChat(text) {
    return (await this.request('send_chat_message', { text })).message;
  }

  /**
   * Older chat messages, oldest first. @param {{before?: string, limit?: number}} [options]
   * @returns {Promise<object[]>}
   */
  async chatHistory(options = {}) {
    const params = {};
    if (options.before) params.before = options.before;
    if (options.limit) params.limit = options.limit;
    return (await this.request('get_chat_history', params)).messages ?? [];
  }

  // ---------------------------------------------------------------- admin

  /** The waiting room now (admins). Also kept up to date in `waiting` and the `waitinglist` event. */
  async waitingRoomMembers() {
    const list = await this.request('get_waiting_room_members');
    this.waiting = new Map((list ?? []).map(w => [w.member, { member: w.member, name: w.name, user: w.user ?? null }]));
    this._emit('waitinglist', { waiting: [...this.waiting.values()] });
    return [...this.waiting.values()];
  }

  /** Lets a waiting member in (admins). */
  allowMember(member) {
    return this.request('allow_member', { member, auth_token: this.authToken });
  }

  /** Turns a waiting member away (admins). */
  rejectMember(member) {
    return this.request('reject_member', { member, auth_token: this.authToken });
  }

  /** Removes a member from the call (admins). */
  removeMember(member) {
    return this.request('remove_member', { member });
  }

  /**
   * Ends the meeting for everyone (admins, `end_room`): everyone, this client too, gets `ended`
   * {reason: 'room-ended', endedBy: 'host' (others) | 'you' (this client)}.
   */
  async endRoom() {
    this._endingRoom = true;
    // the answer comes after room_ended, which already closed this client: only a refusal is an error
    await this.request('end_room').catch(e => { this._endingRoom = false; if (this.state !== 'ended') throw e; });
  }

  /** Mutes or unmutes another member's microphone or camera (admins). @param {'audio'|'video'} kind */
  muteMember(member, kind, muted = true) {
    return this.request(`${muted ? 'mute' : 'unmute'}_member_${kind}`, { member });
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Tells Atrium the size a member's camera is rendered at, which picks its simulcast layer.
   * Re-subscribes (debounced) when it changes. @param {string} member @param {number} width @param {number} height
   */
  setTileSize(member, width, height) {
    const w = Math.max(16, Math.round(width)), h = Math.max(16, Math.round(height));
    const old = this._sizes.get(member);
    if (old && Math.abs(old.width - w) < 32 && Math.abs(old.height - h) < 32) {
      return;
    }
    this._sizes.set(member, { width: w, height: h });
    clearTimeout(this._resizeTimer);
    this._resizeTimer = setTimeout(() => this._scheduleSubscribe(), RESIZE_DEBOUNCE_MS);
  }

  /**
   * Caps what this client receives in all (a data-saver setting, or a known slow link): Atrium then gives its
   * video tracks no more than `bitsPerSecond` together with audio, stepping down frame rate and layers as it does
   * for a low downlink estimate (docs/MEDIA.md). `null` lifts the cap. Sent as `b=TIAS` in the next
   * `subscribe_room` offer (re-subscribes at once). @param {number|null} bitsPerSecond
   */
  setReceiveBitrate(bitsPerSecond) {
    if (bitsPerSecond !== null && !(Number.isInteger(bitsPerSecond) && bitsPerSecond >= 1 && bitsPerSecond <= 1e9)) {
      throw new AtriumError('setReceiveBitrate: a whole number of bit/s from 1 to 1e9, or null');
    }
    this._receiveBitrate = bitsPerSecond;
    return this._scheduleSubscribe();
  }

  /**
   * Watches the element a member's camera is shown in and keeps its subscribed size equal to the
   * rendered size (CSS pixels × devicePixelRatio). Returns a function that stops watching.
   * @param {string} member @param {Element} element
   */
  observeTile(member, element) {
    const ro = new ResizeObserver(entries => {
      const box = entries[entries.length - 1].contentRect;
      if (box.width > 0 && box.height > 0) {
        this.setTileSize(member, box.width * devicePixelRatio, box.height * devicePixelRatio);
      }
    });
    ro.observe(element);
    return () => ro.disconnect();
  }

  /** Stats of what is received from a member (its audio, video and screen receivers). */
  async memberStats(member) {
    const slot = this._slots.get(member);
    const out = {};
    for (const kind of ['audio', 'video', 'screen']) {
      out[kind] = { packetsReceived: 0, framesDecoded: 0, bytesReceived: 0, frameWidth: 0, frameHeight: 0 };
      if (!slot) continue;
      (await slot[kind].receiver.getStats()).forEach(r => {
        if (r.type === 'inbound-rtp') {
          out[kind].packetsReceived += r.packetsReceived ?? 0;
          out[kind].bytesReceived += r.bytesReceived ?? 0;
          out[kind].framesDecoded += r.framesDecoded ?? 0;
          out[kind].frameWidth = Math.max(out[kind].frameWidth, r.frameWidth ?? 0);
          out[kind].frameHeight = Math.max(out[kind].frameHeight, r.frameHeight ?? 0);
        }
      });
    }
    return out;
  }

  _scheduleSubscribe(iceRestart = false) {
    if (iceRestart) this._iceRestartPending.receive = true;
    if (this._subscribeRunning) {
      this._subscribeAgain = true;
      return this._subscribeRunning;
    }
    this._subscribeRunning = (async () => {
      do {
        this._subscribeAgain = false;
        try {
          await this._subscribe();
        } catch (e) {
          if (this.state === 'joined') {
            console.warn('atrium: subscribe_room failed', e);
            this._emit('error', { error: e, during: 'subscribe' });
          }
        }
      } while (this._subscribeAgain && this.state === 'joined');
      this._subscribeRunning = null;
    })();
    return this._subscribeRunning;
  }

  async _subscribe() {
    if (this.state !== 'joined') return;
    if (!this.receivePc) {
      if (this.members.size === 0) return; // nothing to receive yet
      const pc = new RTCPeerConnection(this._pcConfig());
      pc.addEventListener('iceconnectionstatechange', () => this._onIceState('receive', pc));
      pc.addEventListener('connectionstatechange', () => this._onIceState('receive', pc));
      this.receivePc = pc;
    }
    const pc = this.receivePc;
    // park the slots of members who left (inactive, still in the BUNDLE group); each new member gets a
    // new slot: a parked slot is not reused, so a newcomer never inherits a departed member's SSRCs
    for (const [id, slot] of this._slots) {
      if (!this.members.has(id)) {
        this._slots.delete(id);
        for (const t of Object.values(slot)) t.direction = 'inactive';
        this._freeSlots.push(slot);
      }
    }
    for (const id of this.members.keys()) {
      if (!this._slots.has(id)) {
        this._slots.set(id, {
          audio: pc.addTransceiver('audio', { direction: 'recvonly' }),
          video: pc.addTransceiver('video', { direction: 'recvonly' }),
          screen: pc.addTransceiver('video', { direction: 'recvonly' }),
        });
      }
    }
    if (pc.signalingState !== 'stable') {
      await pc.setLocalDescription({ type: 'rollback' });
    }
    const iceRestart = this._iceRestartPending.receive;
    this._iceRestartPending.receive = false;
    await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
    const members = [];
    for (const [id, slot] of this._slots) {
      const size = this._sizes.get(id) ?? DEFAULT_TILE;
      members.push({
        id, video_mid: slot.video.mid, audio_mid: slot.audio.mid, screen_mid: slot.screen.mid,
        width: size.width, height: size.height,
      });
    }
    let result;
    try {
      // the cap is what Atrium reads (RFC 3264 §5.8: an offer's b= is what the offerer wants to receive), not Chromium
      const sdp = this._receiveBitrate ? pc.localDescription.sdp.replace(/\r\nt=/, `\r\nb=TIAS:${this._receiveBitrate}\r\nt=`)
        : pc.localDescription.sdp;
      result = await this.request('subscribe_room', { sdp, auth_token: this.authToken, members });
    } catch (e) {
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
      if (iceRestart) this._iceRestartPending.receive = true;
      throw e;
    }
    if (pc.remoteDescription && !sameServerConnection(pc.remoteDescription.sdp, result.sdp)) {
      // a new connection answered (see _publishOffer; a receive-only member, which has no publish connection,
      // learns it only here): Chromium's DTLS session cannot carry over to it
      this._dropReceiving();
      return this._subscribe();
    }
    await pc.setRemoteDescription({ type: 'answer', sdp: result.sdp });
    this._takeIceServers(result);
    for (const [id, slot] of this._slots) {
      const m = this.members.get(id);
      if (!m) continue;
      const tracks = { audio: slot.audio.receiver.track, video: slot.video.receiver.track, screen: slot.screen.receiver.track };
      const changed = tracks.audio !== m.tracks.audio || tracks.video !== m.tracks.video || tracks.screen !== m.tracks.screen;
      m.tracks = tracks;
      if (changed) this._emit('tracks', { member: m });
    }
  }

  // ---------------------------------------------------------------- shared state

  /**
   * Reads shared state documents and maps of the room (the token's `state` grant must name them)
   * and follows their changes: resolves to `{name: {type: 'document'|'map', value} | null}`, keeps
   * `client.sharedState` current, and emits `stateupdate` {name, key?, value?, deleted?, type} per change.
   * Works right after `connect()` and `useToken()`, before (or without) joining.
   * @param {string[]} names
   */
  async subscribeState(names) {
    const result = await this.request('subscribe_state', { auth_token: this.authToken, names });
    for (const [name, v] of Object.entries(result.state ?? {})) {
      if (v) this.sharedState.set(name, v.value);
      else this.sharedState.delete(name);
    }
    return result.state;
  }

  /** Stops following some (or all, without names) shared state. @param {string[]} [names] */
  unsubscribeState(names) {
    return this.request('unsubscribe_state', names ? { auth_token: this.authToken, names } : { auth_token: this.authToken });
  }

  _onStateChanged(p) {
    if (p.key !== undefined) {
      const map = this.sharedState.get(p.name) ?? {};
      if (p.deleted) delete map[p.key];
      else map[p.key] = p.value;
      this.sharedState.set(p.name, map);
    } else if (p.deleted) {
      this.sharedState.delete(p.name);
    } else {
      this.sharedState.set(p.name, p.value);
    }
    this._emit('stateupdate', { name: p.name, type: p.type, key: p.key, value: p.value, deleted: !!p.deleted });
  }

  // ---------------------------------------------------------------- notifications

  _onNotification(method, p) {
    this._emit('notification', { method, params: p });
    const who = p.member;
    const member = who === this.callId ? this.local : this.members.get(who);
    switch (method) {
      case 'recording_started':
      case 'recording_stopped':
        this.recordingId = method === 'recording_started' ? p.recording_id : null;
        return;
      case 'member_allowed':
        this._takeIceServers(p);
        this._admitted?.resolve(p.auth_token);
        this._admitted = null;
        return;
      case 'member_rejected': {
        const err = new AtriumError('The host did not let you in.', 403);
        err.reason = 'rejected';
        this._admitted?.reject(err);
        this._admitted = null;
        this._end('rejected', err.message);
        return;
      }
      case 'member_waiting':
        this.waiting.set(who, { member: who, name: p.name ?? 'Guest', user: p.user ?? null });
        this._emit('waitinglist', { waiting: [...this.waiting.values()], nudged: who });
        return;
      case 'member_waiting_allowed':
      case 'member_waiting_rejected':
      case 'member_leave_waiting_room':
        if (this.waiting.delete(who)) this._emit('waitinglist', { waiting: [...this.waiting.values()] });
        return;
      case 'member_join_room': {
        if (p.id === this.callId) return;
        const known = this.members.get(p.id);
        const m = memberFrom(p);
        if (known) {
          m.tracks = known.tracks;
          this.members.set(p.id, m);
          this._emit('memberupdate', { member: m, change: 'rejoin' });
        } else {
          this.members.set(p.id, m);
          this._emit('memberjoin', { member: m });
        }
        this._scheduleSubscribe();
        return;
      }
      case 'member_leave_room':
        if (who === this.callId) {
          this._onRemoved(!!p.by_admin);
          return;
        }
        if (member) {
          this.members.delete(who);
          this._sizes.delete(who);
          if (this.activeSpeaker === who) this.activeSpeaker = null;
          this._emit('memberleave', { member, byAdmin: !!p.by_admin });
          this._scheduleSubscribe();
        }
        return;
      case 'member_raise_hand':
      case 'member_unraise_hand':
        if (member) {
          member.handRaised = method === 'member_raise_hand';
          this._emit('hand', { member, raised: member.handRaised });
        }
        return;
      case 'member_start_screen_share':
      case 'member_stop_screen_share':
        if (member) {
          member.screenShare = method === 'member_start_screen_share';
          this._emit('screenshare', { member, sharing: member.screenShare });
        }
        return;
      case 'member_send_reaction':
        if (member) this._emit('reaction', { member, reaction: p.reaction });
        return;
      case 'member_dtmf':
        if (member) this._emit('dtmf', { member, digits: p.digits, to: p.to ? this.members.get(p.to) : null });
        return;
      case 'member_mute_audio':
      case 'member_unmute_audio':
      case 'member_mute_video':
      case 'member_unmute_video':
        if (member) this._onMute(member, method.endsWith('audio') ? 'audio' : 'video', method.startsWith('member_mute'), !!p.by_admin);
        return;
      case 'member_audio_level':
        if (member) {
          member.audioLevel = p.audio_level;
          this._emit('audiolevel', { member, level: p.audio_level });
        }
        return;
      case 'room_active_speaker':
        this.activeSpeaker = who ?? null;
        this._emit('activespeaker', { member: member ?? null });
        return;
      case 'room_clear_active_speaker':
        this.activeSpeaker = null;
        this._emit('activespeaker', { member: null });
        return;
      case 'member_connection_quality':
        if (member) {
          member.quality = p.quality;
          this._emit('quality', { member, quality: p.quality });
        }
        return;
      case 'member_chat_message':
        this._emit('chat', { message: p });
        return;
      case 'state_changed':
        this._onStateChanged(p);
        return;
      case 'room_invite':
        this._emit('invite', { room: p.room, callId: p.call_id, fromUser: p.from_user ?? null, fromName: p.from_name ?? null, authToken: p.auth_token });
        return;
      case 'room_invite_completed_elsewhere':
      case 'room_invite_cancelled':
        this._emit('inviteend', { room: p.room, callId: p.call_id, reason: p.reason ?? 'answered elsewhere' });
        return;
      case 'room_invite_reject':
        this._emit('invitereject', { room: p.room, callId: p.call_id, destination: p.destination, reason: p.reason });
        return;
      case 'room_ended': {
        this._admitted?.reject(Object.assign(new AtriumError('The meeting has ended.'), { reason: 'room-not-found' }));
        this._admitted = null;
        const endedBy = p.by_admin ? (this._endingRoom ? 'you' : 'host') : null;
        this._end('room-ended', { you: 'You ended the meeting for everyone.', host: 'The host ended the meeting for everyone.' }[endedBy]
          ?? 'The meeting has ended.', { endedBy });
        return;
      }
      case 'permissions_changed':
        // a change that took a right away revoked our earlier tokens: reconnect and refresh with this one
        if (p.auth_token) this.authToken = p.auth_token;
        this.isAdmin = this.local.isAdmin = !!p.is_admin;
        return;
      case 'publish_layers':
        this._layers = { ...this._layers, [p.source]: p };
        this._applyLayers(p.source);
        return;
      default:
        // member_available_rate, member_video_allocations and future ones: only `notification`
    }
  }

  _onMute(member, kind, muted, byAdmin) {
    const key = kind === 'audio' ? 'audioMuted' : 'videoMuted';
    if (byAdmin) member[kind === 'audio' ? 'audioMutedByAdmin' : 'videoMutedByAdmin'] = muted;
    if (member.isLocal) {
      if (!byAdmin) return; // our own mute, already applied
      // an admin's mute (or its end) applies to our own track
      const track = this.local.tracks[kind];
      if (muted || track) {
        if (track) track.enabled = !muted;
        member[key] = muted;
      }
    } else {
      member[key] = muted;
    }
    this._emit('mute', { member, kind, muted: member[key], byAdmin });
  }

  // ---------------------------------------------------------------- failures and reconnection

  /**
   * Atrium removed this member. By an admin: the end. For missing media: if the publish connection
   * never connected, the cause is its setup (a slow or blocked network, not the person), so the SDK
   * sets it up again on a new socket, up to SETUP_RETRIES times; otherwise the browser stopped sending.
   */
  _onRemoved(byAdmin) {
    if (byAdmin) {
      this._end('removed', 'An admin removed you from the meeting.');
    } else if (!this._publishConnected && !this.receiveOnly && this._setupRetries < SETUP_RETRIES && this.state === 'joined') {
      this._setupRetries++;
      this.rpc.close(1000, 'rejoining'); // not a drop to recover from: the rejoin below is
      // Atrium closed this member's receive connection too; its DTLS session is gone with it, and an
      // ICE restart would keep the browser's old one: receive on a new connection instead
      this._dropReceiving();
      this._reconnect('connection-setup', true);
    } else if (!this._publishConnected && !this.receiveOnly) {
      this._end('connection-setup', 'Atrium could not set up a media connection with this browser.');
    } else {
      this._end('timeout', 'The server ended the call: no audio or video arrived from this browser.');
    }
  }

  /**
   * A connection whose path is lost gets an ICE restart (Atrium answers it with a new connection): at once when ICE
   * or the connection failed, after ICE_DISCONNECTED_RESTART_MS of `disconnected` (a path may come back by itself).
   * While reconnecting, the rejoin restarts ICE instead; a restart that did not bring a new connection is tried again
   * ICE_DISCONNECTED_RESTART_MS later.
   */
  _onIceState(which, pc) {
    clearTimeout(this._iceRestartTimers[which]);
    if (pc.iceConnectionState === 'disconnected' && pc.connectionState !== 'failed') {
      this._iceRestartTimers[which] = setTimeout(() => this._restartIce(which, pc), ICE_DISCONNECTED_RESTART_MS);
    } else if (pathLost(pc)) {
      this._restartIce(which, pc);
    }
  }

  _restartIce(which, pc) {
    const current = () => pc === (which === 'receive' ? this.receivePc : this.publishPc) && this.state === 'joined';
    if (!pathLost(pc) || !current() || this._iceRestarting[which]) return;
    // a publish restart brings a new receive connection too (Atrium answers it with a new connection)
    if (which === 'receive' && !this.receiveOnly && (this._iceRestarting.publish || pathLost(this.publishPc))) return;
    console.warn(`atrium: the ${which} connection's path is lost (ICE ${pc.iceConnectionState}); restarting ICE`);
    this._iceRestarting[which] = true;
    const restart = which === 'receive' ? this._scheduleSubscribe(true) : this._publishOffer(true);
    Promise.resolve(restart).catch(e => this._emit('error', { error: e, during: 'ice-restart' }))
      .finally(() => {
        this._iceRestarting[which] = false;
        if (pathLost(pc) && current()) {
          this._iceRestartTimers[which] = setTimeout(() => this._restartIce(which, pc), ICE_DISCONNECTED_RESTART_MS);
        }
      });
  }

  /** After a rejoin: a connection whose path was lost while it went on (after its restart timer came due) is restarted. */
  _checkPaths() {
    if (this.publishPc) this._onIceState('publish', this.publishPc);
    if (this.receivePc) this._onIceState('receive', this.receivePc);
  }

  /** The socket dropped (rpc.js rejected what was pending). While reconnecting, the retry loop handles it. */
  _onSocketClosed(event) {
    if (this._closing || this.state === 'ended' || this.state === 'reconnecting') return;
    if (this._registration && ['connected', 'authenticated'].includes(this.state)) {
      this._reregister(`socket closed (${event.code})`);
      return;
    }
    if (this.state !== 'joined') {
      if (this.state === 'waiting') {
        const err = new AtriumError('The connection to the server was lost while waiting.');
        err.reason = 'closed';
        this._admitted?.reject(err);
      }
      this._endLost(event.reason);
      return;
    }
    this._reconnect(`socket closed (${event.code})`);
  }

  /** Ends for a connection lost or never restored: by Atrium's refusal when `reason` is one (rpc.js), else 'connection-lost'. */
  _endLost(reason) {
    if (REFUSED[reason]) this._end(reason, REFUSED[reason]);
    else this._end('connection-lost', 'The connection to the server was lost.');
  }

  /** `onFailure` of the retry loops (rpc.js openWith): the last failure's reason, and `retrying` while they go on. */
  _onRetryFailed({ reason, retryInMs }) {
    this._lastFailure = reason;
    if (retryInMs !== null) this._emit('retrying', { reason, retryInMs });
  }

  /** Re-joins on a new socket with the auth token, keeping both peer connections (rpc.js retries with backoff). */
  async _reconnect(cause, restartIce = false) {
    this._lastFailure = null;
    this._setState('reconnecting');
    this._emit('reconnecting', { cause });
    try {
      await this.rpc.openWith(async () => {
        this._registerAgain();
        const iceFailed = restartIce || pathLost(this.publishPc);
        const result = await this._publishOffer(iceFailed);
        this._reconcile(result.members ?? []);
        this.isAdmin = this.local.isAdmin = !!result.is_admin;
        this._setState('joined');
        if (this.local.screenShare) this.notify('start_screen_share');
        if (this.local.handRaised) this.notify('raise_hand');
        await this._scheduleSubscribe(restartIce || pathLost(this.receivePc));
        this._checkPaths();
        this._emit('reconnected', {});
      }, {
        deadline: Date.now() + this.reconnectWindowMs, initialDelayMs: 250, maxDelayMs: 4000,
        fatal: e => e instanceof AtriumError && ['token', 'room-not-found', 'credentials'].includes(e.reason),
        stopped: () => this._closing || this.state !== 'reconnecting',
        onFailure: f => this._onRetryFailed(f),
      });
    } catch (e) {
      this._end(e.reason === 'room-not-found' ? 'room-ended' : 'token',
        e.reason === 'room-not-found' ? 'The meeting has ended.' : `Could not rejoin: ${e.message}`);
      return;
    }
    if (this.state === 'reconnecting') this._endLost(this._lastFailure);
  }

  /**
   * A client that is only a video registration (or has answered an invite but not joined yet) lost its
   * socket: it registers on a new one at once, retrying with backoff until it works or the client ends
   * (a server restart included), so invites reach it again without waiting for the next refresh.
   */
  async _reregister(cause) {
    const was = this.state;
    this._setState('reconnecting');
    this._emit('reconnecting', { cause });
    try {
      await this.rpc.openWith(() => this._register(), {
        initialDelayMs: 250, maxDelayMs: 4000,
        fatal: e => e instanceof AtriumError && e.reason === 'credentials',
        stopped: () => this._closing || this.state !== 'reconnecting',
        onFailure: f => this._onRetryFailed(f),
      });
    } catch (e) {
      this._end('token', `Could not register for calls again: ${e.message}`);
      return;
    }
    if (this.state !== 'reconnecting') return;
    this._setState(was);
    this._emit('reconnected', {});
  }

  /** Refreshes the video registration, if any (every minute, and at once on a joined client's new socket). */
  _registerAgain() {
    if (this._registration) this._register().catch(e => this._emit('error', { error: e, during: 'register_room_api' }));
  }

  /** After a rejoin: members who left meanwhile leave, new ones join, the rest are updated. */
  _reconcile(list) {
    const seen = new Set();
    for (const raw of list) {
      seen.add(raw.id);
      const known = this.members.get(raw.id);
      const m = memberFrom(raw);
      if (known) {
        m.tracks = known.tracks;
        m.audioLevel = known.audioLevel;
        this.members.set(raw.id, m);
        this._emit('memberupdate', { member: m, change: 'rejoin' });
      } else {
        this.members.set(raw.id, m);
        this._emit('memberjoin', { member: m });
      }
    }
    for (const [id, m] of [...this.members]) {
      if (!seen.has(id)) {
        this.members.delete(id);
        this._emit('memberleave', { member: m, byAdmin: false });
      }
    }
  }

  /** Leaves the room (or the waiting room) and closes everything. */
  async leave() {
    if (this.state === 'ended') return;
    this._closing = true;
    if (this.state === 'joined') {
      await this.request('leave_room', {}, 2000).catch(() => {});
    }
    this._end('left', 'You left the meeting.');
  }

  _end(reason, message, more = {}) {
    if (this.state === 'ended') return;
    this._closing = true;
    clearInterval(this._registration?.timer);
    Object.values(this._iceRestartTimers).forEach(clearTimeout);
    this._setState('ended');
    this.rpc.close(1000, 'the client ended');
    this.publishPc?.close();
    this.receivePc?.close();
    this._screenTrack?.stop();
    this._silentAudio?.ctx.close();
    this._emit('ended', { reason, message, ...more });
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this._emit('statechange', { state });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** The credentials of a SIP user as the protocol names them: username/password or device/device_token. */
function credentials(creds) {
  const params = {};
  if (creds.username !== undefined) Object.assign(params, { username: creds.username, password: creds.password ?? '' });
  if (creds.device !== undefined) Object.assign(params, { device: creds.device, device_token: creds.deviceToken ?? '' });
  return params;
}

/**
 * Whether two of Atrium's answers are from the same connection on its side: the same media server (DTLS
 * fingerprint, its first a=fingerprint) and the same peer there (ICE ufrag, its first a=ice-ufrag). Atrium makes a
 * new peer, with new ICE and DTLS sessions, for a new ICE ufrag in the offer and for a member whose seat it did not
 * keep (a rejoin after `rooms.reconnect_grace_seconds`); Chromium keeps its DTLS session while the remote
 * fingerprint stays the same, so such an answer needs a new RTCPeerConnection (docs/PROTOCOL.md, `join_room`).
 */
function sameServerConnection(sdp, other) {
  const first = (attribute, s) => new RegExp(`^a=${attribute}:(.*)$`, 'm').exec(s)?.[1].trim() ?? null;
  return first('fingerprint', sdp) === first('fingerprint', other) && first('ice-ufrag', sdp) === first('ice-ufrag', other);
}

/** The claims of a JWT (not verified: the server does that), or null. @param {string} token */
export function decodeJwt(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part + '='.repeat((4 - part.length % 4) % 4)), c => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
