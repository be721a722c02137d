#!/usr/bin/python3
"""A WHIP publisher or WHEP player on aiortc (Debian's python3-aiortc 1.4: WebRTC in Python, libvpx/FFmpeg
codecs through PyAV). Run by AiortcInteropTest.

  aiortc_client.py publish URL TOKEN CODEC SECONDS   CODEC: vp8 | h264; sends 320x240 frames + an Opus tone
  aiortc_client.py play URL TOKEN SECONDS            receives one video and one audio track and decodes them

Prints one JSON object per line like gst_client.py: answer, state, first-frame (play), stats, done.
aioice gathers no candidate on loopback addresses; the harness gives it 127.0.0.1 as its only host address.
"""
import asyncio
import fractions
import json
import math
import sys
import time
import urllib.request

import aioice.ice
import numpy
from aiortc import RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from av import AudioFrame, VideoFrame

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
START = time.monotonic()


def say(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def elapsed():
    return int((time.monotonic() - START) * 1000)


class Pattern(VideoStreamTrack):
    """320x240 frames with a moving bar, at aiortc's 30 fps pacing."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        img = numpy.zeros((240, 320, 3), numpy.uint8)
        x = (pts // 3000) % 320
        img[:, x:x + 16] = 255
        frame = VideoFrame.from_ndarray(img, format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class Tone(AudioStreamTrack):
    """A 440 Hz tone, 20 ms frames."""

    async def recv(self):
        frame = await super().recv()
        t = frame.pts / 48000
        samples = (numpy.sin(2 * math.pi * 440 * (t + numpy.arange(frame.samples) / 48000)) * 8000).astype(numpy.int16)
        out = AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        out.sample_rate, out.pts, out.time_base = 48000, frame.pts, fractions.Fraction(1, 48000)
        return out


def exchange(url, token, offer):
    req = urllib.request.Request(url, data=offer.encode(), method="POST", headers={
        "Content-Type": "application/sdp", "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=20) as resp:
        say("answer", status=resp.status, location=resp.headers.get("Location"), etag=resp.headers.get("ETag"),
            offer_codecs=sorted({l.split()[1] for l in offer.splitlines() if l.startswith("a=rtpmap:")}))
        return resp.read().decode()


async def run(mode, url, token, codec, seconds):
    pc = RTCPeerConnection()
    counts = {"frames": 0, "audio_frames": 0}

    @pc.on("connectionstatechange")
    def on_state():
        say("state", state=pc.connectionState, ms=elapsed())

    async def consume(track):
        key = "frames" if track.kind == "video" else "audio_frames"
        try:
            while True:
                await track.recv()
                counts[key] += 1
                if key == "frames" and counts[key] == 1:
                    say("first-frame", ms=elapsed())
        except MediaStreamError:
            pass

    if mode == "publish":
        video = pc.addTransceiver(Pattern(), direction="sendonly")
        mime = "video/VP8" if codec == "vp8" else "video/H264"
        video.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == mime])
        pc.addTransceiver(Tone(), direction="sendonly")
    else:
        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        pc.on("track", lambda track: asyncio.ensure_future(consume(track)))

    await pc.setLocalDescription(await pc.createOffer())
    answer = await asyncio.get_running_loop().run_in_executor(None, exchange, url, token, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    for _ in range(seconds // 5):
        await asyncio.sleep(5)
        say("stats", ms=elapsed(), state=pc.connectionState, **counts)
    await asyncio.sleep(seconds % 5)
    state = pc.connectionState
    say("done", ms=elapsed(), state=state, **counts)
    await pc.close()
    return 0 if state == "connected" else 1


def main(argv):
    if argv[1] == "publish":
        return asyncio.run(run("publish", argv[2], argv[3], argv[4], int(argv[5])))
    return asyncio.run(run("play", argv[2], argv[3], None, int(argv[4])))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
