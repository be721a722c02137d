package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link InfoDtmf#read}, the reader of a SIP INFO's DTMF body from any phone in a
 * call: whatever the content type and body, it never throws; a key is one of the sixteen DTMF keys and only comes from
 * one of the two types it reads, whose body names it (the key itself, or its RFC 4733 event code); another type is always
 * unsupported.
 */
public class InfoDtmfFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        String type = switch (data.consumeInt(0, 3)) {
            case 0 -> "application/dtmf-relay";
            case 1 -> "Application/DTMF;charset=x";
            case 2 -> null;
            default -> data.consumeString(40);
        };
        byte[] body = data.consumeRemainingAsBytes();
        InfoDtmf.Result r = InfoDtmf.read(type, body);
        String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        boolean known = InfoDtmf.TYPES.contains(base);
        if (!known) {
            assertThat(r).isInstanceOf(InfoDtmf.Unsupported.class);
            return;
        }
        assertThat(r).isNotInstanceOf(InfoDtmf.Unsupported.class);
        if (r instanceof InfoDtmf.Key key) {
            assertThat("0123456789*#ABCD").contains(String.valueOf(key.digit()));
            String text = new String(body, StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
            int code = io.atrium.server.sip.audio.Dtmf.DIGITS.indexOf(key.digit());
            boolean named = text.contains(String.valueOf(key.digit())) || text.contains(String.valueOf(code));
            assertThat(named).as("the key is in the body").isTrue();
        }
    }
}
