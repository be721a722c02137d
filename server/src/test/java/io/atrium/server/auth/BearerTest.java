package io.atrium.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTest {

    record Case(String name, String header, Optional<String> want) {
    }

    @Test
    void parsesTheBearerSchemeOnly() {
        Case[] cases = {
            new Case("absent", null, Optional.empty()),
            new Case("empty", "", Optional.empty()),
            new Case("basic", "Basic a2V5OnNlY3JldA==", Optional.empty()),
            new Case("no space", "Bearer", Optional.empty()),
            new Case("prefix of a word", "Bearerabc", Optional.empty()),
            new Case("plain", "Bearer abc.def.ghi", Optional.of("abc.def.ghi")),
            new Case("scheme case", "bEARER abc", Optional.of("abc")),
            new Case("trimmed", "Bearer   abc  ", Optional.of("abc")),
            new Case("blank token", "Bearer  ", Optional.of("")),
        };
        for (Case c : cases) {
            assertThat(Bearer.token(c.header())).as(c.name()).isEqualTo(c.want());
        }
    }
}
