#!/usr/bin/python3
"""A WHIP publisher or WHEP player on aiortc (Debian's python3-aiortc 1.4: WebRTC in Python, libvpx/FFmpeg
codecs through PyAV). Run by AiortcInteropTest.

  aiortc_client.py publish URL TOKEN CODEC SECONDS   CODEC: vp8 | h264; sends 320x240 frames + an Opus tone
  aiortc_client.py play URL TOKEN SECONDS            receives one video and one audio track and decodes them; sends
                                                     its WHEP request once a line arrives on stdin (times from then)
  aiortc_client.py room WS_URL ROOM SECONDS          joins an open room over the JSON-RPC socket (contract 002,
                                                     docs/PROTOCOL.md): join_room sending the tone and frames,
                                                     subscribe_room to the room's first other member, decoded

Prints one JSON object per line like gst_client.py: answer/joined, state, first-frame (play, room), stats, done.
Received audio also reports its loudest sample (audio_peak), so silence does not pass for audio.
aioice gathers no candidate on loopback addresses; the harness gives it 127.0.0.1 as its only host address.
"""
import asyncio
import fractions
import json
import math
import sys
import time
import urllib.request
import uuid

import aioice.ice
import numpy
import websockets
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


class Received:
    """Counts what a connection receives: decoded video frames, decoded audio frames and their loudest sample."""

    def __init__(self):
        self.counts = {"frames": 0, "audio_frames": 0, "audio_peak": 0}

    def on_track(self, track):
        asyncio.ensure_future(self.consume(track))

    async def consume(self, track):
        try:
            while True:
                frame = await track.recv()
                if track.kind == "audio":
                    self.counts["audio_frames"] += 1
                    self.counts["audio_peak"] = max(self.counts["audio_peak"], int(numpy.abs(frame.to_ndarray()).max()))
                    continue
                self.counts["frames"] += 1
                if self.counts["frames"] == 1:
                    say("first-frame", ms=elapsed())
        except MediaStreamError:
            pass

    async def run_for(self, seconds, *pcs):
        """Reports every second for SECONDS, then "done"; True when every connection is still connected."""
        def states():
            return {"state": pcs[0].connectionState, **{f"state{i}": pc.connectionState for i, pc in enumerate(pcs[1:], 1)}}
        for _ in range(seconds):
            await asyncio.sleep(1)
            say("stats", ms=elapsed(), **states(), **self.counts)
        done = states()
        say("done", ms=elapsed(), **done, **self.counts)
        for pc in pcs:
            await pc.close()
        return all(state == "connected" for state in done.values())


def report_states(pc, label=None):
    @pc.on("connectionstatechange")
    def on_state():
        say("state", state=pc.connectionState, ms=elapsed(), **({"pc": label} if label else {}))


async def run(mode, url, token, codec, seconds):
    pc = RTCPeerConnection()
    received = Received()
    report_states(pc)

    if mode == "publish":
        video = pc.addTransceiver(Pattern(), direction="sendonly")
        mime = "video/VP8" if codec == "vp8" else "video/H264"
        video.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == mime])
        pc.addTransceiver(Tone(), direction="sendonly")
    else:
        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        pc.on("track", received.on_track)

    await pc.setLocalDescription(await pc.createOffer())
    if mode == "play":
        # started ahead of what it plays (imports and gathering take seconds): it asks once a line arrives
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        global START
        START = time.monotonic()
    answer = await asyncio.get_running_loop().run_in_executor(None, exchange, url, token, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return 0 if await received.run_for(seconds, pc) else 1


async def room(ws_url, room_id, seconds):
    """A member of an open room over the JSON-RPC socket: one connection sends, one receives (contract 002)."""
    async with websockets.connect(ws_url, max_size=1 << 20) as ws:
        loop = asyncio.get_running_loop()
        pending, joined = {}, asyncio.Queue()
        ids = iter(range(1, 1 << 30))

        async def read():
            async for text in ws:
                message = json.loads(text)
                if message.get("id") in pending:
                    pending.pop(message["id"]).set_result(message)
                elif message.get("method") == "member_join_room":
                    joined.put_nowait(message["params"])

        async def rpc(method, **params):
            request_id = next(ids)
            pending[request_id] = loop.create_future()
            await ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
            answer = await asyncio.wait_for(pending[request_id], 20)
            if "error" in answer:
                raise RuntimeError(f"{method}: {answer['error']}")
            return answer["result"]

        reader = asyncio.ensure_future(read())
        token = (await rpc("authenticate", room=room_id, call_id=str(uuid.uuid4()), display_name="aiortc"))["auth_token"]
        send = RTCPeerConnection()
        report_states(send)
        send.addTransceiver(Tone(), direction="sendonly")  # the first audio m-line is the microphone,
        send.addTransceiver(Pattern(), direction="sendonly")  # the first video m-line the camera
        await send.setLocalDescription(await send.createOffer())
        result = await rpc("join_room", sdp=send.localDescription.sdp, auth_token=token, audio_muted=False, video_muted=False)
        await send.setRemoteDescription(RTCSessionDescription(sdp=result["sdp"], type="answer"))
        say("joined", call_id=result["call_id"], members=[m["name"] for m in result["members"]], ms=elapsed())
        other = result["members"][0] if result["members"] else await joined.get()

        receive = RTCPeerConnection()
        report_states(receive, "receive")
        received = Received()
        receive.on("track", received.on_track)
        audio = receive.addTransceiver("audio", direction="recvonly")
        video = receive.addTransceiver("video", direction="recvonly")
        await receive.setLocalDescription(await receive.createOffer())
        result = await rpc("subscribe_room", sdp=receive.localDescription.sdp, auth_token=token, members=[
            {"id": other["id"], "audio_mid": audio.mid, "video_mid": video.mid, "width": 320, "height": 240}])
        await receive.setRemoteDescription(RTCSessionDescription(sdp=result["sdp"], type="answer"))
        say("subscribed", member=other["name"], ms=elapsed())
        ok = await received.run_for(seconds, send, receive)
        reader.cancel()
        return 0 if ok else 1


def main(argv):
    if argv[1] == "publish":
        return asyncio.run(run("publish", argv[2], argv[3], argv[4], int(argv[5])))
    if argv[1] == "room":
        return asyncio.run(room(argv[2], argv[3], int(argv[4])))
    return asyncio.run(run("play", argv[2], argv[3], None, int(argv[4])))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
