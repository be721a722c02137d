// A WHEP player on werift (npm), a WebRTC stack written in TypeScript with no libwebrtc code. It receives one
// video and one audio track and counts, per track, RTP packets and complete video frames (packets up to a
// marker bit with no sequence gap; werift has no decoder). Run by LibDataChannelInteropTest.
//
//   node werift_whep.mjs URL TOKEN CODEC SECONDS STUN   CODEC: vp8 | h264 | av1; sends its WHEP request once a line
//                                                       arrives on stdin (times from then)
//
// Prints one JSON object per line like the other harness scripts: answer, state, first-frame, stats (every second), done.
// werift gathers no loopback candidate by itself; iceAdditionalHostAddresses gives it 127.0.0.1. STUN (stun:host:port)
// is the STUN server werift asks for its server-reflexive candidate: without one it asks stun.l.google.com, which
// the tests' loopback-only network never answers, and offers only when that query times out, 5 s later.
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { createInterface } from 'node:readline';
import { elapsed, exchange, restartClock, say } from './harness.mjs';

const [url, token, codec, seconds, stun] = process.argv.slice(2);
const VIDEO = {
  vp8: new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96,
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }),
  h264: new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, payloadType: 102,
    parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }),
  av1: new RTCRtpCodecParameters({ mimeType: 'video/AV1', clockRate: 90000, payloadType: 45,
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }),
};
let frames = 0;
let videoPackets = 0;
let audioPackets = 0;

const pc = new RTCPeerConnection({
  iceServers: [{ urls: stun }],
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceUseIpv6: false,
  codecs: { video: [VIDEO[codec]], audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })] },
});
pc.connectionStateChange.subscribe((state) => say('state', { state, ms: elapsed() }));
pc.addTransceiver('video', { direction: 'recvonly' });
pc.addTransceiver('audio', { direction: 'recvonly' });
pc.onTrack.subscribe((track) => {
  let expected = -1;
  let complete = true;
  track.onReceiveRtp.subscribe((rtp) => {
    if (track.kind === 'audio') {
      audioPackets++;
      return;
    }
    videoPackets++;
    const seq = rtp.header.sequenceNumber;
    complete = complete && (expected < 0 || seq === expected);
    expected = (seq + 1) & 0xffff;
    if (rtp.header.marker) {
      if (complete) {
        frames++;
        if (frames === 1) {
          say('first-frame', { ms: elapsed() });
        }
      }
      complete = true;
    }
  });
});

await pc.setLocalDescription(await pc.createOffer());
// started ahead of what it plays (node, werift and its host gathering take seconds): it asks once a line arrives
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
restartClock();
const offer = pc.localDescription.sdp;
const answer = await exchange(url, token, offer);
await pc.setRemoteDescription({ type: 'answer', sdp: answer });

const report = setInterval(() => say('stats', { frames, video_packets: videoPackets, audio_packets: audioPackets,
  ms: elapsed(), state: pc.connectionState }), 1000);
setTimeout(async () => {
  clearInterval(report);
  const state = pc.connectionState;
  say('done', { frames, video_packets: videoPackets, audio_packets: audioPackets, ms: elapsed(), state });
  await pc.close();
  process.exit(state === 'connected' ? 0 : 1);
}, Number(seconds) * 1000);
