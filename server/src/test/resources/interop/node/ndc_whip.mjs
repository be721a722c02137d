// A WHIP publisher on libdatachannel (npm node-datachannel), the WebRTC stack OBS Studio uses for its WHIP
// output, set up as OBS sets it up: H.264 (or AV1, which OBS 31 also sends over WHIP) through libdatachannel's
// own H264RtpPacketizer (AV1RtpPacketizer) with an RTCP sender report and a NACK responder in the chain, Opus
// as RTP; ffmpeg (Debian) makes the 320x240 15 fps test pattern (H.264: Annex B, an access unit delimiter
// before each frame; AV1: SVT-AV1's OBUs, a temporal delimiter before each frame) and the Opus RTP. Run by
// LibDataChannelInteropTest.
//
//   node ndc_whip.mjs URL TOKEN CODEC SECONDS        CODEC: h264 | av1
//
// Prints one JSON object per line like the other harness scripts: answer, state, stats (every second), done.
// libjuice is bound to 127.0.0.1 (bindAddress), so its only host candidate is on loopback.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import nodeDataChannel from 'node-datachannel';
import { elapsed, exchange, say } from './harness.mjs';

const [url, token, codec, seconds] = process.argv.slice(2);
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
const PAYLOAD_TYPE = { h264: 102, av1: 45 }[codec];
if (codec === 'av1') {
  video.addAV1Codec(PAYLOAD_TYPE);
} else {
  video.addH264Codec(PAYLOAD_TYPE);
}
video.addSSRC(VIDEO_SSRC, 'video', 'obs', 'video');
const videoTrack = pc.addTrack(video);
const config = new nodeDataChannel.RtpPacketizationConfig(VIDEO_SSRC, 'obs', PAYLOAD_TYPE, 90000);
const packetizer = codec === 'av1' ? new nodeDataChannel.AV1RtpPacketizer('TemporalUnit', config, 1200)
  : new nodeDataChannel.H264RtpPacketizer('StartSequence', config, 1200);
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
const answer = await exchange(url, token, offer);
pc.setRemoteDescription(answer, 'answer');

// Frames from ffmpeg. H.264: the Annex B stream split at each access unit delimiter (NAL type 9). AV1: the
// low-overhead OBU stream (every OBU has a size field) split at each temporal delimiter (OBU type 2).
const ENCODE = {
  h264: ['-c:v', 'libx264', '-profile:v', 'baseline', '-tune', 'zerolatency', '-preset', 'ultrafast', '-g', '30',
    '-x264-params', 'aud=1', '-f', 'h264'],
  av1: ['-c:v', 'libsvtav1', '-preset', '12', '-g', '30', '-svtav1-params', 'pred-struct=1', '-f', 'obu'],
};
const ffmpegVideo = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i',
  'testsrc=size=320x240:rate=15', '-pix_fmt', 'yuv420p', ...ENCODE[codec], '-'], { stdio: ['ignore', 'pipe', 'inherit'] });
let pending = Buffer.alloc(0);
const AUD = Buffer.from([0, 0, 0, 1, 9]);
ffmpegVideo.stdout.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  for (let next; (next = codec === 'av1' ? nextTemporalUnit(pending) : pending.indexOf(AUD, 1)) > 0;) {
    sendFrame(pending.subarray(0, next));
    pending = pending.subarray(next);
  }
});
/** Where the temporal unit at the start of an OBU stream ends: the offset of the next temporal delimiter, or -1. */
function nextTemporalUnit(obus) {
  for (let at = 0; at < obus.length;) {
    const header = obus[at];
    if (at > 0 && ((header >> 3) & 0xf) === 2) {
      return at;
    }
    let offset = at + 1 + ((header >> 2) & 1); // the extension byte, when present
    let size = 0;
    for (let shift = 0; ; shift += 7) { // leb128
      if (offset >= obus.length) {
        return -1;
      }
      const byte = obus[offset++];
      size += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        break;
      }
    }
    at = offset + size;
  }
  return -1;
}
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

const report = setInterval(() => say('stats', { frames, audio_packets: audioPackets, ms: elapsed(), state: pc.state() }), 1000);
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
