// Firefox ESR (Debian's firefox-esr: Gecko's own WebRTC stack, not libwebrtc's networking) driven over
// WebDriver BiDi by npm puppeteer-core, headless, with Firefox's fake camera and microphone. Run by
// FirefoxInteropTest; the page is one of the test server's, with src/test/resources/webrtc-test-helpers.js
// (the same helpers the Chromium tests use) injected.
//
//   node firefox.mjs PAGE HELPERS SECONDS app NAME         PAGE is the meeting web app (/room.html?room=…): joins as
//                                                           NAME (camera in 3 simulcast layers), receives the others
//   node firefox.mjs PAGE HELPERS SECONDS whip URL TOKEN   publishes camera (3 simulcast layers) + microphone
//   node firefox.mjs PAGE HELPERS SECONDS whep URL TOKEN   plays one video and one audio track
//
// Firefox starts at once ("browser" event), the client once a line arrives on stdin (the test sends it when what
// the client needs is up, e.g. a WHEP player's publisher), so that the test can start every Firefox together.
// Prints one JSON object per line like the other harness scripts: browser, offer (app, whip), state, first-frame
// (app, whep), stats (every second), done.
// Received video counts frames Firefox decoded; audio counts packets and the energy Firefox measured in them.
// Prefs: fake devices without a permission prompt; camera and microphone allowed for every page (Firefox
// gathers only the "default address", the source of its route to the internet, for a page without that
// permission, and fake devices do not count as capturing: in a namespace with loopback only it then gathers
// nothing); host candidates on loopback (skipped otherwise) without mDNS obfuscation.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';
import { elapsed, restartClock, say } from './harness.mjs';

const [pageUrl, helpers, seconds, mode, ...args] = process.argv.slice(2);

const browser = await puppeteer.launch({
  browser: 'firefox',
  protocol: 'webDriverBiDi',
  executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
  headless: true,
  extraPrefsFirefox: {
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    'permissions.default.camera': 1,
    'permissions.default.microphone': 1,
    'media.peerconnection.ice.loopback': true,
    'media.peerconnection.ice.obfuscate_host_addresses': false,
  },
});
say('browser', { version: await browser.version(), ms: elapsed() });
const page = await browser.newPage();
page.on('console', (m) => console.error(`console.${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => console.error(`page error: ${e}`));
await page.goto(pageUrl);
await page.evaluate(readFileSync(helpers, 'utf8'));
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));

// Each mode sets window.pc (the connection whose state is reported) and window.report() (its counters).
const MODES = {
  // PAGE is the meeting web app (/room.html?room=…): NAME typed in the pre-join form, then "Join"
  app: async () => {
    await new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const state = window.atriumApp.client?.state;
        if (state === 'joined' || Date.now() - started > 60000) {
          clearInterval(poll);
          (state === 'joined' ? resolve : reject)(new Error(`the web app is ${state}, not joined`));
        }
      }, 100);
    });
    const { client } = window.atriumApp;
    window.pc = client.publishPc;
    window.report = async () => {
      const members = client.members.size;
      if (!client.receivePc) return { members, frames: 0, audio_packets: 0, audio_energy: 0 };
      const s = await atriumTest.inboundStats(client.receivePc);
      return { members, frames: s.video.framesDecoded, width: s.video.frameWidth, audio_packets: s.audio.packetsReceived,
        audio_energy: s.audio.totalAudioEnergy, receive_state: client.receivePc.connectionState };
    };
  },
  whip: async (url, token) => {
    const at = url.lastIndexOf('/');
    window.pc = await atriumTest.whip(url.slice(at + 1), token,
      { simulcast: true, video: { width: 640, height: 480 }, base: new URL(url).origin });
    window.report = async () => {
      const s = await atriumTest.outboundStats(window.pc);
      return { frames_encoded: s.video.framesEncoded, video_packets: s.video.packetsSent, audio_packets: s.audio.packetsSent,
        etag: window.pc.etag };
    };
  },
  whep: async (url, token) => {
    const at = url.lastIndexOf('/');
    window.pc = await atriumTest.whep(url.slice(at + 1), token, '', new URL(url).origin);
    window.report = async () => {
      const s = await atriumTest.inboundStats(window.pc);
      return { frames: s.video.framesDecoded, width: s.video.frameWidth, audio_packets: s.audio.packetsReceived,
        audio_energy: s.audio.totalAudioEnergy };
    };
  },
};
if (!MODES[mode]) {
  say('error', { message: `unknown mode ${mode}` });
  process.exit(2);
}
restartClock(); // times below are from the client's start, as in the other harness scripts
try {
  if (mode === 'app') {
    await page.type('#prejoin-form [name=name]', args[0]);
    await page.click('#join-button');
  }
  await page.evaluate(`(${MODES[mode]})(...${JSON.stringify(args)})`);
} catch (e) {
  say('error', { message: String(e) });
  await browser.close();
  process.exit(1);
}

// What Firefox offered on the connection it publishes on (docs/INTEROP.md records it).
if (mode !== 'whep') {
  const sdp = await page.evaluate('window.pc.localDescription.sdp');
  say('offer', { codecs: [...new Set([...sdp.matchAll(/a=rtpmap:\d+ (\S+)/g)].map((m) => m[1]))],
    extensions: [...new Set([...sdp.matchAll(/a=extmap:\d+(?:\/\w+)? (\S+)/g)].map((m) => m[1]))],
    simulcast: [...sdp.matchAll(/a=simulcast:(.*)/g)].map((m) => m[1].trim()) });
}

// The candidate pair Firefox sends on (its stats mark it 'selected'), for the log: Atrium must send to the same one.
const selectedPair = async () => page.evaluate(async () => {
  const stats = await window.pc.getStats();
  for (const r of stats.values()) {
    if (r.type === 'candidate-pair' && r.selected) {
      const [l, p] = [stats.get(r.localCandidateId), stats.get(r.remoteCandidateId)];
      return `${l.address}:${l.port}/${l.protocol} -> ${p.address}:${p.port}`;
    }
  }
  return null;
});

let state = null;
let firstFrame = false;
const poll = async () => {
  const now = await page.evaluate('window.pc.connectionState');
  if (now !== state) {
    state = now;
    say('state', { state, ms: elapsed() });
  }
  const counts = await page.evaluate('window.report()');
  if (!firstFrame && counts.frames > 0) {
    firstFrame = true;
    say('first-frame', { ms: elapsed() });
  }
  return counts;
};
const end = Date.now() + Number(seconds) * 1000;
let lastStats = Date.now();
while (Date.now() < end) {
  const counts = await poll();
  if (Date.now() - lastStats >= 1000) {
    lastStats = Date.now();
    say('stats', { ms: elapsed(), state, pair: await selectedPair(), ...counts });
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const counts = await poll();
say('done', { ms: elapsed(), state, ...counts });
await browser.close();
process.exit(state === 'connected' ? 0 : 1);
