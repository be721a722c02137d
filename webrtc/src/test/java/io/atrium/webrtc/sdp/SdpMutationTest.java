package io.atrium.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid offers at random (fixed seed) and checks that parsing and answering either succeed or
 * throw {@link SdpException}, never anything else; and that whatever parses survives a write/parse
 * round trip unchanged.
 */
class SdpMutationTest {

    private static final long SEED = 0x5D9_2024L;
    private static final int ROUNDS = 3000;
    private static final String NASTY = "\r\n\u0000 :/=;,~*-0123456789aAmvx\u00ff\u2028\ud800";

    @Test
    void randomMutationsOnlyEverThrowSdpException() {
        Random random = new Random(SEED);
        List<String> seeds = new ArrayList<>();
        for (String f : Fixtures.OFFERS) {
            seeds.add(Fixtures.crlf(f));
        }
        int parsed = 0;
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String original = seeds.get(random.nextInt(seeds.size()));
            String mutated = original;
            int mutations = 1 + random.nextInt(3);
            for (int k = 0; k < mutations; k++) {
                mutated = mutate(mutated, random);
            }
            try {
                SessionDescription sdp = SessionDescription.parse(mutated);
                parsed++;
                assertThat(SessionDescription.parse(sdp.write())).as("round %d", round).isEqualTo(sdp);
                tryAnswer(sdp);
            } catch (SdpException e) {
                refused++;
                assertThat(e.getMessage()).isNotBlank();
            } catch (RuntimeException | StackOverflowError e) {
                fail("round " + round + " threw " + e + " for:\n" + mutated, e);
            }
        }
        // Both outcomes must be common, or the mutations are not exercising the parser.
        assertThat(parsed).isGreaterThan(ROUNDS / 10);
        assertThat(refused).isGreaterThan(ROUNDS / 10);
    }

    private static void tryAnswer(SessionDescription offer) {
        try {
            SessionDescription answer = new AnswerBuilder(offer, LocalCapabilities.defaults(), Fixtures.sfuTransport())
                    .sessionId(1).build();
            assertThat(SessionDescription.parse(answer.write())).isEqualTo(answer);
        } catch (SdpException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static String mutate(String s, Random random) {
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\r\n", -1)));
        int line = random.nextInt(lines.size());
        switch (random.nextInt(8)) {
            case 0 -> {
                return s.substring(0, random.nextInt(s.length() + 1));
            }
            case 1 -> {
                char[] c = s.toCharArray();
                if (c.length > 0) {
                    int i = random.nextInt(c.length);
                    c[i] = (char) (c[i] ^ (1 << random.nextInt(8)));
                }
                return new String(c);
            }
            case 2 -> {
                if (s.isEmpty()) {
                    return s;
                }
                int i = random.nextInt(s.length());
                return s.substring(0, i) + NASTY.charAt(random.nextInt(NASTY.length())) + s.substring(i + 1);
            }
            case 3 -> lines.add(line, lines.get(line));
            case 4 -> lines.remove(line);
            case 5 -> {
                int other = random.nextInt(lines.size());
                String tmp = lines.get(line);
                lines.set(line, lines.get(other));
                lines.set(other, tmp);
            }
            case 6 -> {
                String l = lines.get(line);
                int at = l.isEmpty() ? 0 : random.nextInt(l.length());
                lines.set(line, l.substring(0, at) + l.substring(Math.min(l.length(), at + 1 + random.nextInt(8))));
            }
            default -> {
                String l = lines.get(line);
                int at = random.nextInt(l.length() + 1);
                String digits = Long.toString(random.nextLong() >>> random.nextInt(64));
                lines.set(line, l.substring(0, at) + digits + l.substring(at));
            }
        }
        return String.join("\r\n", lines);
    }
}
