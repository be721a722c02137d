#!/usr/bin/python3
"""A WHIP publisher or WHEP player built on GStreamer's webrtcbin and libnice (Debian's GStreamer 1.22),
the stack of Meetecho's simple-whip-client and many camera/encoder products. Run by GStreamerInteropTest.

  gst_client.py publish URL TOKEN CODEC SECONDS    CODEC: vp8 | vp9 | h264; sends 320x240 test video + Opus
  gst_client.py play URL TOKEN CODEC SECONDS       receives one video (CODEC) and one audio track, decodes them

Prints one JSON object per line: {"event": "answer", ...}, {"event": "first-frame", "ms": ...} (play),
{"event": "stats", "frames": n, "audio_buffers": n, "state": ...} every second, {"event": "done", ...} at the end.
Exits non-zero when the HTTP exchange fails or the connection ends before SECONDS.
libnice gathers no candidates on loopback interfaces, so the agent is given 127.0.0.1 explicitly
(webrtcbin's ice-agent "add-local-ip-address"): every packet stays on 127.0.0.1.
"""
import json
import sys
import time
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

VIDEO = {
    "vp8": "vp8enc deadline=1 cpu-used=8 keyframe-max-dist=30 ! rtpvp8pay pt=96 mtu=1200",
    "vp9": "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=30 ! rtpvp9pay pt=98 mtu=1200",
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! "
            "video/x-h264,profile=constrained-baseline ! rtph264pay pt=102 config-interval=-1 mtu=1200 "
            "aggregate-mode=zero-latency",
}
ENCODING = {"vp8": "VP8", "vp9": "VP9", "h264": "H264"}
PAYLOAD = {"vp8": 96, "vp9": 98, "h264": 102}
PLAY_CAPS = {
    "vp8": "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000",
    "vp9": "application/x-rtp,media=video,encoding-name=VP9,payload=98,clock-rate=90000",
    "h264": "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
            "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1",
}
DECODE = {"vp8": "rtpvp8depay ! vp8dec", "vp9": "rtpvp9depay ! vp9dec", "h264": "rtph264depay ! avdec_h264"}


def say(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


class Client:
    def __init__(self, mode, url, token, codec, seconds):
        self.mode, self.url, self.token, self.codec, self.seconds = mode, url, token, codec, seconds
        self.start = time.monotonic()
        self.frames = 0
        self.audio = 0
        self.failed = None
        self.loop = GLib.MainLoop()
        if mode == "publish":
            desc = (f"webrtcbin name=w bundle-policy=max-bundle "
                    f"videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 ! "
                    f"videoconvert ! queue ! {VIDEO[codec]} ! "
                    f"application/x-rtp,media=video,encoding-name={ENCODING[codec]},payload={PAYLOAD[codec]} ! w. "
                    f"audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! "
                    f"application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! w.")
            self.pipe = Gst.parse_launch(desc)
        else:
            self.pipe = Gst.Pipeline.new("play")
            self.pipe.add(Gst.parse_launch("webrtcbin name=w bundle-policy=max-bundle"))
        self.w = self.pipe.get_by_name("w")
        # webrtcbin 1.22 hands out its agent without sinking its floating reference: keep Python's reference
        # (and one more) for the whole run, or the agent is freed under webrtcbin.
        self.ice = self.w.get_property("ice-agent")
        self.ice.ref()
        self.ice.emit("add-local-ip-address", "127.0.0.1")
        if mode == "play":
            for caps in (PLAY_CAPS[codec], "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,encoding-params=(string)2"):
                self.w.emit("add-transceiver", GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY, Gst.Caps.from_string(caps))
            self.w.connect("pad-added", self.on_pad)
        self.w.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.w.connect("notify::ice-gathering-state", self.on_gathering)
        self.w.connect("notify::connection-state", self.on_state)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def fail(self, why):
        self.failed = why
        say("error", message=why)
        self.loop.quit()

    def on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        self.fail(f"{err.message} ({dbg})")

    def on_negotiation_needed(self, _w):
        promise = Gst.Promise.new_with_change_func(self.on_offer, None)
        self.w.emit("create-offer", None, promise)

    def on_offer(self, promise, _data):
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply and reply.has_field("offer") else None
        if offer is None:
            GLib.idle_add(self.fail, f"create-offer failed: {reply.to_string() if reply else 'no reply'}")
            return
        self.w.emit("set-local-description", offer, Gst.Promise.new())

    def on_gathering(self, _w, _pspec):
        if self.w.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(self.exchange)

    def exchange(self):
        offer = self.w.get_property("local-description").sdp.as_text()
        req = urllib.request.Request(self.url, data=offer.encode(), method="POST", headers={
            "Content-Type": "application/sdp", "Authorization": "Bearer " + self.token})
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                answer = resp.read().decode()
                say("answer", status=resp.status, location=resp.headers.get("Location"), etag=resp.headers.get("ETag"),
                    offer_codecs=sorted({l.split()[1] for l in offer.splitlines() if l.startswith("a=rtpmap:")}))
        except Exception as e:  # noqa: BLE001 - any HTTP failure ends the run with its message
            self.fail(f"HTTP exchange failed: {e} {getattr(e, 'read', lambda: b'')().decode(errors='replace')}")
            return False
        _, sdp = GstSdp.SDPMessage.new_from_text(answer)
        desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        self.w.emit("set-remote-description", desc, Gst.Promise.new_with_change_func(self.on_remote_set, None))
        return False

    def on_remote_set(self, promise, _data):
        reply = promise.get_reply()
        if reply is not None and reply.has_field("error"):
            GLib.idle_add(self.fail, f"set-remote-description: {reply.get_value('error').message}")

    def on_state(self, _w, _pspec):
        state = self.w.get_property("connection-state")
        say("state", state=state.value_nick, ms=self.elapsed())
        if state in (GstWebRTC.WebRTCPeerConnectionState.FAILED, GstWebRTC.WebRTCPeerConnectionState.CLOSED):
            GLib.idle_add(self.fail, f"connection {state.value_nick}")

    def on_pad(self, _w, pad):
        if pad.direction != Gst.PadDirection.SRC:
            return
        video = "video" in pad.get_current_caps().to_string()
        chain = (f"{DECODE[self.codec]} ! videoconvert ! fakesink name=vs signal-handoffs=true sync=false" if video
                 else "rtpopusdepay ! opusdec ! fakesink name=as signal-handoffs=true sync=false")
        bin_ = Gst.parse_bin_from_description(f"queue ! {chain}", True)
        self.pipe.add(bin_)
        bin_.sync_state_with_parent()
        pad.link(bin_.get_static_pad("sink"))
        sink = bin_.get_by_name("vs" if video else "as")
        sink.connect("handoff", self.on_video if video else self.on_audio)

    def on_video(self, _sink, _buf, _pad):
        self.frames += 1
        if self.frames == 1:
            say("first-frame", ms=self.elapsed())

    def on_audio(self, _sink, _buf, _pad):
        self.audio += 1

    def elapsed(self):
        return int((time.monotonic() - self.start) * 1000)

    def report(self):
        say("stats", frames=self.frames, audio_buffers=self.audio, ms=self.elapsed(),
            state=self.w.get_property("connection-state").value_nick)
        return True

    def run(self):
        self.pipe.set_state(Gst.State.PLAYING)
        GLib.timeout_add_seconds(1, self.report)
        GLib.timeout_add_seconds(self.seconds, self.loop.quit)
        self.loop.run()
        state = self.w.get_property("connection-state").value_nick
        say("done", frames=self.frames, audio_buffers=self.audio, ms=self.elapsed(), state=state)
        self.pipe.set_state(Gst.State.NULL)
        return 1 if self.failed or state != "connected" else 0


def main(argv):
    Gst.init(None)
    if argv[1] == "publish":
        client = Client("publish", argv[2], argv[3], argv[4], int(argv[5]))
    else:
        client = Client("play", argv[2], argv[3], argv[4], int(argv[5]))
    return client.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
