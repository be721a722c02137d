// Injected into test pages by Chromium.installHelpers(page): reads RTCPeerConnection.getStats()
// into small plain objects a Java test can assert on. Counters are summed over all RTP streams of
// a kind (several tracks, simulcast layers); frame sizes are the largest seen.
window.atriumTest = {
  /** @param {RTCPeerConnection} pc */
  async inboundStats(pc) {
    const s = {
      video: { framesDecoded: 0, frameWidth: 0, frameHeight: 0, packetsReceived: 0, packetsLost: 0, nackCount: 0 },
      audio: { packetsReceived: 0, totalSamplesReceived: 0 },
    };
    (await pc.getStats()).forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        atriumTest.add(s.video, r, ['framesDecoded', 'packetsReceived', 'packetsLost', 'nackCount']);
        atriumTest.max(s.video, r, ['frameWidth', 'frameHeight']);
      } else if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        atriumTest.add(s.audio, r, ['packetsReceived', 'totalSamplesReceived']);
      }
    });
    return s;
  },

  /** @param {RTCPeerConnection} pc */
  async outboundStats(pc) {
    const s = {
      video: { framesEncoded: 0, frameWidth: 0, frameHeight: 0, packetsSent: 0, bytesSent: 0, nackCount: 0, pliCount: 0 },
      audio: { packetsSent: 0, bytesSent: 0 },
    };
    (await pc.getStats()).forEach(r => {
      if (r.type === 'outbound-rtp' && r.kind === 'video') {
        atriumTest.add(s.video, r, ['framesEncoded', 'packetsSent', 'bytesSent', 'nackCount', 'pliCount']);
        atriumTest.max(s.video, r, ['frameWidth', 'frameHeight']);
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        atriumTest.add(s.audio, r, ['packetsSent', 'bytesSent']);
      }
    });
    return s;
  },

  /**
   * Publishes the fake camera and microphone to Atrium over WHIP; resolves to the peer connection.
   * @param {string} room @param {string} token
   * @param {{simulcast?: boolean, codec?: string}} [options] codec: a mimeType such as 'video/H264' to prefer
   */
  async whip(room, token, options = {}) {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
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
      const transceiver = pc.addTransceiver(track, init);
      if (track.kind === 'video' && options.codec) {
        const codecs = RTCRtpSender.getCapabilities('video').codecs;
        const preferred = codecs.filter(c => c.mimeType === options.codec);
        if (preferred.length === 0) {
          throw new Error(`this browser cannot send ${options.codec}`);
        }
        transceiver.setCodecPreferences([...preferred, ...codecs.filter(c => c.mimeType !== options.codec)]);
      }
    }
    await atriumTest.negotiate(pc, `/whip/${room}`, token);
    return pc;
  },

  /**
   * Plays a room over WHEP with one video and one audio receiver; resolves to the peer connection.
   * @param {string} room @param {string} token @param {string} [query] e.g. '?width=160&height=120'
   */
  async whep(room, token, query = '') {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    await atriumTest.negotiate(pc, `/whep/${room}${query}`, token);
    return pc;
  },

  /** One WHIP/WHEP offer/answer exchange; remembers the session URL on the connection. */
  async negotiate(pc, url, token) {
    await pc.setLocalDescription(await pc.createOffer());
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', 'Authorization': `Bearer ${token}` },
      body: pc.localDescription.sdp,
    });
    if (res.status !== 201) {
      throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    }
    pc.sessionUrl = res.headers.get('Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
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

  add(into, report, keys) {
    keys.forEach(k => { into[k] += report[k] ?? 0; });
  },

  max(into, report, keys) {
    keys.forEach(k => { into[k] = Math.max(into[k], report[k] ?? 0); });
  },
};
