package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.CommandLine;
import io.atrium.server.config.ConfigException;
import io.atrium.server.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code video_call} settings: the contract's defaults, overrides, and every validation message. */
class VideoCallConfigTest {

    final ConfigLoader loader = new ConfigLoader();

    @Test
    void defaultsAreTheContractsValues() {
        AtriumConfig.VideoCall v = loader.load(CommandLine.parse("--dev"), Map.of()).videoCall();
        assertThat(v.globalRoom()).isEmpty();
        assertThat(v.publicUrl()).isEmpty();
        assertThat(v.allowedOrigins()).containsExactly("https://bahasadri.com", "http://localhost:8787");
        assertThat(v.openControl()).isFalse();
        assertThat(v.sessionsPerMinute()).isEqualTo(10);
        assertThat(v.tokensPerMinute()).isEqualTo(100);
        assertThat(v.controlsPerMinute()).isEqualTo(60);
        assertThat(v.tokenTtlSeconds()).isEqualTo(14_400);
    }

    @Test
    void environmentOverridesAndValidation() {
        AtriumConfig.VideoCall v = loader.load(CommandLine.parse("--dev"), Map.of(
                "ATRIUM_VIDEO_CALL_GLOBAL_ROOM", "0b6c1d4e-3f8a-4c47-9d1e-2a5b6c7d8e9f",
                "ATRIUM_VIDEO_CALL_ALLOWED_ORIGINS", "[\"https://meet.example.com\"]",
                "ATRIUM_VIDEO_CALL_PUBLIC_URL", "https://meet.example.com")).videoCall();
        assertThat(v.globalRoom()).isEqualTo("0b6c1d4e-3f8a-4c47-9d1e-2a5b6c7d8e9f");
        assertThat(v.allowedOrigins()).containsExactly("https://meet.example.com");

        assertThatThrownBy(() -> loader.load(CommandLine.parse("--dev"), Map.of(
                "ATRIUM_VIDEO_CALL_GLOBAL_ROOM", "lobby",
                "ATRIUM_VIDEO_CALL_PUBLIC_URL", "meet.example.com",
                "ATRIUM_VIDEO_CALL_ALLOWED_ORIGINS", "[\"https://x.example/path\"]",
                "ATRIUM_VIDEO_CALL_TOKEN_TTL_SECONDS", "5",
                "ATRIUM_VIDEO_CALL_SESSIONS_PER_MINUTE", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("video_call.global_room 'lobby' is not a room uuid")
                .hasMessageContaining("video_call.public_url 'meet.example.com'")
                .hasMessageContaining("video_call.allowed_origins: 'https://x.example/path'")
                .hasMessageContaining("video_call.token_ttl_seconds (5)")
                .hasMessageContaining("sessions_per_minute");
    }
}
