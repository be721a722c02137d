// A WHIP publisher on libdatachannel (npm node-datachannel), the WebRTC stack OBS Studio uses for its WHIP
// output, set up as OBS sets it up: H.264 through libdatachannel's own H264RtpPacketizer with an RTCP sender
// report and a NACK responder in the chain, Opus as RTP; ffmpeg (Debian) makes the 320x240 15 fps test
// pattern (Annex B, an access unit delimiter before each frame) and the Opus RTP. Run by LibDataChannelInteropTest.
//
//   node ndc_whip.mjs URL TOKEN SECONDS
//
// Prints one JSON object per line like the other harness scripts: answer, state, stats (every 5 s), done.
// libjuice is bound to 127.0.0.1 (bindAddress), so its only host candidate is on loopback.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import nodeDataChannel from 'node-datachannel';

const [url, token, seconds] = process.argv.slice(2);
const say = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));
const start = Date.now();
const elapsed = () => Date.now() - start;
const VIDEO_SSRC = 42424242;
const AUDIO_SSRC = 31313131;
let frames = 0;
let audioPackets = 0;
let failed = false;

const pc = new nodeDataChannel.PeerConnection('whip', { iceServers: [], bindAddress: '127.0.0.1' });
pc.onStateChange((state) => {
  say('state', { state, ms: elapsed() });
  if (state === 'failed' || state === 'closed') {
    failed = true;
  }
});

const video = new nodeDataChannel.Video('0', 'SendOnly');
video.addH264Codec(102);
video.addSSRC(VIDEO_SSRC, 'video', 'obs', 'video');
const videoTrack = pc.addTrack(video);
const config = new nodeDataChannel.RtpPacketizationConfig(VIDEO_SSRC, 'obs', 102, 90000);
const packetizer = new nodeDataChannel.H264RtpPacketizer('StartSequence', config, 1200);
packetizer.addToChain(new nodeDataChannel.RtcpSrReporter(config));
packetizer.addToChain(new nodeDataChannel.RtcpNackResponder());
videoTrack.setMediaHandler(packetizer);

const audio = new nodeDataChannel.Audio('1', 'SendOnly');
audio.addOpusCodec(111);
audio.addSSRC(AUDIO_SSRC, 'audio', 'obs', 'audio');
const audioTrack = pc.addTrack(audio);

pc.setLocalDescription();
await new Promise((resolve) => {
  const poll = setInterval(() => {
    if (pc.gatheringState() === 'complete') {
      clearInterval(poll);
      resolve();
    }
  }, 20);
});
const offer = pc.localDescription().sdp;
const response = await fetch(url, {
  method: 'POST',
  headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
  body: offer,
});
const answer = await response.text();
say('answer', { status: response.status, location: response.headers.get('location'), etag: response.headers.get('etag'),
  offer_codecs: [...offer.matchAll(/a=rtpmap:\d+ (\S+)/g)].map((m) => m[1]).sort() });
if (response.status !== 201) {
  say('error', { message: answer });
  process.exit(1);
}
pc.setRemoteDescription(answer, 'answer');

// H.264 access units from ffmpeg: split the Annex B stream at each access unit delimiter (NAL type 9).
const ffmpegVideo = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i',
  'testsrc=size=320x240:rate=15', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-profile:v', 'baseline',
  '-tune', 'zerolatency', '-preset', 'ultrafast', '-g', '30', '-x264-params', 'aud=1', '-f', 'h264', '-'],
{ stdio: ['ignore', 'pipe', 'inherit'] });
let pending = Buffer.alloc(0);
const AUD = Buffer.from([0, 0, 0, 1, 9]);
ffmpegVideo.stdout.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  for (let next; (next = pending.indexOf(AUD, 1)) > 0;) {
    sendFrame(pending.subarray(0, next));
    pending = pending.subarray(next);
  }
});
function sendFrame(accessUnit) {
  if (!videoTrack.isOpen()) {
    return;
  }
  config.timestamp = (frames * 6000) >>> 0; // 90 kHz / 15 fps
  videoTrack.sendMessageBinary(accessUnit);
  frames++;
}

// Opus: ffmpeg's RTP muxer to a local UDP socket, passed on unchanged (as a libdatachannel app forwards RTP).
const udp = dgram.createSocket('udp4');
udp.on('message', (packet) => {
  if (audioTrack.isOpen()) {
    audioTrack.sendMessageBinary(packet);
    audioPackets++;
  }
});
let ffmpegAudio;
udp.bind(0, '127.0.0.1', () => {
  ffmpegAudio = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:a', 'libopus', '-ac', '2', '-payload_type', '111', '-ssrc', String(AUDIO_SSRC), '-f', 'rtp',
    `rtp://127.0.0.1:${udp.address().port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
});

const report = setInterval(() => say('stats', { frames, audio_packets: audioPackets, ms: elapsed(), state: pc.state() }), 5000);
setTimeout(() => {
  clearInterval(report);
  const state = pc.state();
  const code = failed || state !== 'connected' ? 1 : 0;
  say('done', { frames, audio_packets: audioPackets, ms: elapsed(), state });
  ffmpegVideo.kill();
  ffmpegAudio?.kill();
  pc.close();
  nodeDataChannel.cleanup();
  process.exit(code);
}, Number(seconds) * 1000);
