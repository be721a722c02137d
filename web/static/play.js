// The WHEP player of a room: /play.html?room=<room uuid>#token=<access token>
// (the token sits in the fragment, so it never reaches server logs). Plain ES module.

const video = document.getElementById('video');
const status = document.getElementById('status');
const room = new URLSearchParams(location.search).get('room');
const token = new URLSearchParams(location.hash.slice(1)).get('token');

/** Shows a message to the viewer. @param {string} text */
function say(text) {
  status.textContent = text;
}

async function play() {
  if (!room || !token) {
    say('This player link is incomplete: it needs ?room=<room id>#token=<access token>.');
    return;
  }
  const pc = new RTCPeerConnection();
  const stream = new MediaStream();
  video.srcObject = stream;
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.ontrack = event => stream.addTrack(event.track);
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'connected') {
      say('Live');
    } else if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') {
      say('The connection to the server was lost.');
    }
  };
  await pc.setLocalDescription(await pc.createOffer());
  const size = `width=${Math.round(innerWidth * devicePixelRatio)}&height=${Math.round(innerHeight * devicePixelRatio)}`;
  let res;
  try {
    res = await fetch(`/whep/${encodeURIComponent(room)}?${size}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', 'Authorization': `Bearer ${token}` },
      body: pc.localDescription.sdp,
    });
  } catch {
    say('The server is unreachable.');
    return;
  }
  if (res.status !== 201) {
    const body = await res.json().catch(() => null);
    say(body?.error?.message ?? `The server answered ${res.status}.`);
    return;
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  pc.sessionUrl = res.headers.get('Location');
  window.atriumPlayer = pc;
  // end the WHEP session when the viewer leaves, rather than waiting for ICE consent to expire
  addEventListener('pagehide', () => fetch(pc.sessionUrl, {
    method: 'DELETE', keepalive: true, headers: { 'Authorization': `Bearer ${token}` },
  }));
  video.addEventListener('click', () => { video.muted = false; }, { once: true });
}

play();
