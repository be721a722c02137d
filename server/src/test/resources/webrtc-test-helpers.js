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

  add(into, report, keys) {
    keys.forEach(k => { into[k] += report[k] ?? 0; });
  },

  max(into, report, keys) {
    keys.forEach(k => { into[k] = Math.max(into[k], report[k] ?? 0); });
  },
};
