package io.atrium.server.testing;

/** Scripts for Chromium pages that use the JS SDK ({@code /atrium.js}) on a page of the test server. */
public final class SdkScripts {

    private SdkScripts() {
    }

    /** Joins with the SDK ({@code policy}: "relay" or "all"); resolves to the ICE servers Atrium handed out. */
    public static final String JOIN = """
            async ([room, name, policy]) => {
              const { AtriumClient } = await import('/atrium.js');
              const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
              const client = new AtriumClient({ room, iceTransportPolicy: policy, simulcast: false });
              window.client = client;
              await client.connect();
              await client.authenticate({ displayName: name });
              await client.join({ audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
              return client._serverIceServers;
            }""";

    /** True once the page's client decodes video and hears audio from its one other member. */
    public static final String DECODES_OTHER = "client.members.size === 1 && (async () => {"
            + " const s = await client.memberStats([...client.members.keys()][0]);"
            + " return (s.video.framesDecoded > 10 && s.audio.packetsReceived > 20) || JSON.stringify(s); })()";
}
