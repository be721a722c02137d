// Injected into test pages by Chromium.installHelpers(page): reads RTCPeerConnection.getStats()
// into small plain objects a Java test can assert on. Counters are summed over all RTP streams of
// a kind (several tracks, simulcast layers); frame sizes are the largest seen.
window.atriumTest = {
  /** @param {RTCPeerConnection} pc */
  async inboundStats(pc) {
    const s = {
      video: { framesDecoded: 0, frameWidth: 0, frameHeight: 0, packetsReceived: 0, packetsLost: 0, nackCount: 0,
        freezeCount: 0, totalFreezesDuration: 0 },
      audio: { packetsReceived: 0, totalSamplesReceived: 0, totalAudioEnergy: 0, concealedSamples: 0, codec: null },
    };
    const stats = await pc.getStats();
    stats.forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        atriumTest.add(s.video, r, ['framesDecoded', 'packetsReceived', 'packetsLost', 'nackCount', 'freezeCount',
          'totalFreezesDuration']);
        atriumTest.max(s.video, r, ['frameWidth', 'frameHeight']);
      } else if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        atriumTest.add(s.audio, r, ['packetsReceived', 'totalSamplesReceived', 'totalAudioEnergy', 'concealedSamples']);
        s.audio.codec = stats.get(r.codecId)?.mimeType ?? s.audio.codec;
      }
    });
    return s;
  },

  /** @param {RTCPeerConnection} pc */
  async outboundStats(pc) {
    const s = {
      video: { framesEncoded: 0, frameWidth: 0, frameHeight: 0, packetsSent: 0, bytesSent: 0, nackCount: 0, pliCount: 0 },
      audio: { packetsSent: 0, bytesSent: 0, codec: null },
    };
    const stats = await pc.getStats();
    stats.forEach(r => {
      if (r.type === 'outbound-rtp' && r.kind === 'video') {
        atriumTest.add(s.video, r, ['framesEncoded', 'packetsSent', 'bytesSent', 'nackCount', 'pliCount']);
        atriumTest.max(s.video, r, ['frameWidth', 'frameHeight']);
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        atriumTest.add(s.audio, r, ['packetsSent', 'bytesSent']);
        s.audio.codec = stats.get(r.codecId)?.mimeType ?? s.audio.codec;
      }
    });
    return s;
  },

  /**
   * Publishes the fake camera and microphone to Atrium over WHIP; resolves to the peer connection.
   * @param {string} room @param {string} token
   * @param {{simulcast?: boolean, codec?: string, scalabilityMode?: string, video?: MediaTrackConstraints, base?: string,
   *   dependencyDescriptor?: boolean}}
   *   [options] codec: a mimeType such as 'video/H264' to prefer; scalabilityMode: one SVC encoding such as 'L3T3_KEY';
   *   dependencyDescriptor: offer the AV1 dependency descriptor extension (Chromium leaves it out unless asked);
   *   video: camera constraints (the fake camera is 640x480 unless asked); base: the server's origin when this page
   *   comes from another one (CORS)
   */
  async whip(room, token, options = {}) {
    const stream = await navigator.mediaDevices.getUserMedia({ video: options.video ?? true, audio: true });
    const pc = new RTCPeerConnection();
    for (const track of stream.getTracks()) {
      const init = { direction: 'sendonly', streams: [stream] };
      if (track.kind === 'video' && options.simulcast) {
        init.sendEncodings = [
          { rid: 'q', scaleResolutionDownBy: 4 },
          { rid: 'h', scaleResolutionDownBy: 2 },
          { rid: 'f' },
        ];
      }
      if (track.kind === 'video' && options.scalabilityMode) {
        init.sendEncodings = [{ scalabilityMode: options.scalabilityMode }];
      }
      const transceiver = pc.addTransceiver(track, init);
      if (track.kind === 'video' && options.codec) {
        const codecs = RTCRtpSender.getCapabilities('video').codecs;
        const preferred = codecs.filter(c => c.mimeType === options.codec);
        if (preferred.length === 0) {
          throw new Error(`this browser cannot send ${options.codec}`);
        }
        transceiver.setCodecPreferences([...preferred, ...codecs.filter(c => c.mimeType !== options.codec)]);
      }
      if (track.kind === 'video' && options.dependencyDescriptor) {
        atriumTest.offerDependencyDescriptor(transceiver);
      }
    }
    await atriumTest.negotiate(pc, `${options.base ?? ''}/whip/${room}`, token);
    return pc;
  },

  /**
   * Plays a room over WHEP with one video and one audio receiver; resolves to the peer connection.
   * @param {string} room @param {string} token @param {string} [query] e.g. '?width=160&height=120'
   * @param {string} [base] the server's origin when this page comes from another one (CORS)
   * @param {{via?: string, red?: boolean, dependencyDescriptor?: boolean}} [options] via: 'address port' of a UDP relay
   *   the test runs (the answer's candidates are replaced by that one, so all media goes through it); red: false to
   *   leave audio RED (RFC 2198) out of the offer; dependencyDescriptor: offer the AV1 dependency descriptor extension
   */
  async whep(room, token, query = '', base = '', options = {}) {
    const pc = new RTCPeerConnection();
    const video = pc.addTransceiver('video', { direction: 'recvonly' });
    if (options.dependencyDescriptor) {
      atriumTest.offerDependencyDescriptor(video);
    }
    const audio = pc.addTransceiver('audio', { direction: 'recvonly' });
    if (options.red === false) {
      audio.setCodecPreferences(RTCRtpReceiver.getCapabilities('audio').codecs.filter(c => c.mimeType !== 'audio/red'));
    }
    await atriumTest.negotiate(pc, `${base}/whep/${room}${query}`, token, options.via);
    return pc;
  },

  /** Has a transceiver offer the AV1 dependency descriptor header extension, which Chromium offers only when asked. */
  offerDependencyDescriptor(transceiver) {
    transceiver.setHeaderExtensionsToNegotiate(transceiver.getHeaderExtensionsToNegotiate().map(e =>
      e.uri === 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension'
        ? { ...e, direction: 'sendrecv' } : e));
  },

  /**
   * Plays a connection's received audio in an audio element (needs --autoplay-policy=no-user-gesture-required):
   * Chromium counts samples (totalSamplesReceived, concealedSamples, totalAudioEnergy) only of audio that plays.
   * @param {RTCPeerConnection} pc
   */
  playAudio(pc) {
    const audio = new Audio();
    audio.srcObject = new MediaStream(pc.getReceivers().map(r => r.track).filter(t => t.kind === 'audio'));
    pc.playing = audio;
    return audio.play();
  },

  /**
   * One WHIP/WHEP offer/answer exchange; remembers the session URL (absolute) and ETag on the connection.
   * With via ('address port'), the answer's candidates become one UDP host candidate there.
   */
  async negotiate(pc, url, token, via = '') {
    await pc.setLocalDescription(await pc.createOffer());
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', 'Authorization': `Bearer ${token}` },
      body: pc.localDescription.sdp,
    });
    if (res.status !== 201) {
      throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    }
    pc.sessionUrl = new URL(res.headers.get('Location'), new URL(url, location.href)).href;
    pc.etag = res.headers.get('ETag');
    let sdp = await res.text();
    if (via) {
      sdp = atriumTest.viaRelay(sdp, via);
    }
    await pc.setRemoteDescription({ type: 'answer', sdp });
  },

  /**
   * An answer's SDP with its candidates replaced by one UDP host candidate at via ('address port'), a relay the test
   * runs, so that all media goes through it (also used before the helpers' other functions, by init scripts).
   */
  viaRelay(sdp, via) {
    return sdp.replace(/^a=candidate:.*\r\n/gm, '')
      .replace(/^(a=ice-ufrag:.*\r\n)/gm, `$1a=candidate:1 1 udp 2130706431 ${via} typ host\r\n`);
  },

  /** The mimeType of the codec of the first inbound video stream. @param {RTCPeerConnection} pc */
  async inboundVideoCodec(pc) {
    const stats = await pc.getStats();
    for (const r of stats.values()) {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && r.codecId) {
        return stats.get(r.codecId)?.mimeType;
      }
    }
    return null;
  },

  /**
   * Joins a room with the WebSocket protocol directly (no SDK): authenticate, join_room with the
   * fake camera and microphone, and a receive connection kept subscribed to every other member
   * (renegotiated on member_join_room / member_leave_room). Resolves to a state object.
   * @param {string} room @param {string} callId @param {object} credentials e.g. {display_name} or {username, password}
   */
  async joinRoom(room, callId, credentials) {
    const ws = new WebSocket(`ws://${location.host}/v1/rtc`);
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
    const state = { ws, notes: [], pending: new Map(), nextId: 1, transceivers: new Map(), closed: false };
    ws.onclose = () => { state.closed = true; };
    state.rpc = (method, params) => new Promise((ok, fail) => {
      const id = state.nextId++;
      state.pending.set(id, { ok, fail });
      ws.send(JSON.stringify({ id, method, params }));
    });
    ws.onmessage = event => {
      const m = JSON.parse(event.data);
      if (m.id !== undefined && state.pending.has(m.id)) {
        const p = state.pending.get(m.id);
        state.pending.delete(m.id);
        m.error ? p.fail(new Error(`${m.error.code} ${m.error.message}`)) : p.ok(m.result);
        return;
      }
      state.notes.push(m);
      if (m.method === 'member_join_room' || m.method === 'member_leave_room') {
        state.resubscribe();
      }
    };
    const { auth_token } = await state.rpc('authenticate', { room, call_id: callId, ...credentials });
    state.token = auth_token;
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    state.pub = new RTCPeerConnection();
    state.pub.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
    state.pub.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
    await state.pub.setLocalDescription(await state.pub.createOffer());
    const joined = await state.rpc('join_room', { sdp: state.pub.localDescription.sdp, auth_token });
    await state.pub.setRemoteDescription({ type: 'answer', sdp: joined.sdp });
    state.callId = callId;
    state.sub = new RTCPeerConnection();
    let queue = Promise.resolve();
    state.resubscribe = () => {
      queue = queue.then(async () => {
        if (state.closed) return;
        const members = (await state.rpc('get_room_members', {})).filter(m => m.id !== callId);
        if (members.length === 0 && state.transceivers.size === 0) return;
        for (const m of members) {
          if (!state.transceivers.has(m.id)) {
            state.transceivers.set(m.id, {
              audio: state.sub.addTransceiver('audio', { direction: 'recvonly' }),
              video: state.sub.addTransceiver('video', { direction: 'recvonly' }),
            });
          }
        }
        await state.sub.setLocalDescription(await state.sub.createOffer());
        const list = members.map(m => ({
          id: m.id, audio_mid: state.transceivers.get(m.id).audio.mid,
          video_mid: state.transceivers.get(m.id).video.mid, width: 320, height: 240,
        }));
        const answer = await state.rpc('subscribe_room', { sdp: state.sub.localDescription.sdp, members: list, auth_token });
        await state.sub.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      }).catch(e => console.error('resubscribe failed', e));
      return queue;
    };
    await state.resubscribe();
    return state;
  },

  /** Per inbound stream: [{kind, framesDecoded, packetsReceived}]. @param {RTCPeerConnection} pc */
  async inboundStreams(pc) {
    const out = [];
    (await pc.getStats()).forEach(r => {
      if (r.type === 'inbound-rtp') {
        out.push({ kind: r.kind, framesDecoded: r.framesDecoded ?? 0, packetsReceived: r.packetsReceived ?? 0 });
      }
    });
    return out;
  },

  add(into, report, keys) {
    keys.forEach(k => { into[k] += report[k] ?? 0; });
  },

  max(into, report, keys) {
    keys.forEach(k => { into[k] = Math.max(into[k], report[k] ?? 0); });
  },
};
