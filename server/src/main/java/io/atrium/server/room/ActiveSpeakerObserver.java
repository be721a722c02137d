package io.atrium.server.room;

import java.util.HashMap;
import java.util.Map;

/**
 * Audio levels and the active speaker (in the spirit of mediasoup's {@code ActiveSpeakerObserver}): on
 * each tick, every member's level (RFC 6464: 0 loudest, 127 silence; muted is 127) is told when it moved
 * by 5 or more; the loudest member under {@link #SPEAKING_LEVEL} becomes the active speaker, cleared
 * after {@link #CLEAR_SPEAKER_MILLIS} of nobody speaking. Confined to the room's executor.
 */
final class ActiveSpeakerObserver {

    static final int SPEAKING_LEVEL = 60;
    static final long CLEAR_SPEAKER_MILLIS = 2000;

    private final Roster roster;
    private final Map<String, Integer> sentLevels = new HashMap<>();
    private String activeSpeaker;
    private long lastSpeechMillis;

    ActiveSpeakerObserver(Roster roster) {
        this.roster = roster;
    }

    void observe(long now) {
        String loudest = null;
        int loudestLevel = SPEAKING_LEVEL;
        for (Member m : roster.members.values()) {
            if (m.hidden() && m.microphone == null) {
                continue;
            }
            int level = m.microphone == null || m.audioMuted ? 127 : m.microphone.audioLevel();
            m.audioLevel = level;
            Integer sent = sentLevels.get(m.callId);
            if (sent == null || Math.abs(sent - level) >= 5) {
                sentLevels.put(m.callId, level);
                roster.broadcast("member_audio_level", Map.of("member", m.callId, "audio_level", level));
            }
            if (level < loudestLevel) {
                loudest = m.callId;
                loudestLevel = level;
            }
        }
        if (loudest != null) {
            lastSpeechMillis = now;
            if (!loudest.equals(activeSpeaker)) {
                speakerCamera(activeSpeaker, 0);
                activeSpeaker = loudest;
                speakerCamera(activeSpeaker, io.atrium.server.sfu.Receiver.PRIORITY_SPEAKER);
                roster.broadcast("room_active_speaker", Map.of("member", loudest));
            }
        } else if (activeSpeaker != null && now - lastSpeechMillis > CLEAR_SPEAKER_MILLIS) {
            speakerCamera(activeSpeaker, 0);
            activeSpeaker = null;
            roster.broadcast("room_clear_active_speaker", Map.of());
        }
    }

    /** The active speaker's camera goes first when a subscriber's downlink cannot carry every camera. */
    private void speakerCamera(String callId, int priority) {
        Member m = callId == null ? null : roster.members.get(callId);
        if (m != null && m.camera != null) {
            m.camera.priority(priority);
        }
    }

    /** {@code m} left: forgotten, and no longer the active speaker. */
    void left(Member m) {
        sentLevels.remove(m.callId);
        if (m.callId.equals(activeSpeaker)) {
            activeSpeaker = null;
            roster.broadcast("room_clear_active_speaker", Map.of());
        }
    }
}
