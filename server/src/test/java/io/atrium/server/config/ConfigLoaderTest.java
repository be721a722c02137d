package io.atrium.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final String LONG_SECRET = "s".repeat(40);
    final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    AtriumConfig load(String yaml, Map<String, String> env, String... flags) throws Exception {
        Path file = dir.resolve("atrium.yaml");
        Files.writeString(file, yaml);
        String[] args = new String[flags.length + 2];
        args[0] = "--config";
        args[1] = file.toString();
        System.arraycopy(flags, 0, args, 2, flags.length);
        return loader.load(CommandLine.parse(args), env);
    }

    String prodKeys() {
        return "auth:\n  api_keys:\n    prod: " + LONG_SECRET + "\n";
    }

    @Test
    void defaultsInDevMode() {
        AtriumConfig c = loader.load(CommandLine.parse("--dev"), Map.of());
        assertThat(c.isDev()).isTrue();
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(7880);
        assertThat(c.rtc().port()).isEqualTo(7881);
        assertThat(c.database().url()).isEmpty();
        assertThat(c.auth().apiKeys()).containsEntry("devkey", "secret");
        assertThat(c.dataDir()).isEqualTo("./atrium-data");
    }

    @Test
    void sipIsOffUnlessConfiguredAndOnAtLoopbackInDevMode() throws Exception {
        assertThat(load(prodKeys(), Map.of()).sip().enabled()).isFalse();
        AtriumConfig on = load(prodKeys() + "sip:\n  enabled: true\n  port: 5070\n  trunks:\n    - name: carrier\n"
                + "      address: sip.example.com:5060\n      inbound: {\"+4930123\": \"1001\"}\n", Map.of());
        assertThat(on.sip().enabled()).isTrue();
        assertThat(on.sip().port()).isEqualTo(5070);
        assertThat(on.sip().trunks().get(0).transport()).isEqualTo("udp");
        assertThat(on.sip().trunks().get(0).inbound()).containsEntry("+4930123", "1001");
        assertThat(List.of(on.sip().invitesPerMinute(), on.sip().maxOutboundDials(), on.sip().maxOutboundDialsPerRoom()))
                .containsExactly(60, 50, 10);
        AtriumConfig bounded = load(prodKeys() + "sip:\n  invites_per_minute: 5\n  max_outbound_dials: 4\n"
                + "  max_outbound_dials_per_room: 2\n", Map.of());
        assertThat(List.of(bounded.sip().invitesPerMinute(), bounded.sip().maxOutboundDials(), bounded.sip().maxOutboundDialsPerRoom()))
                .containsExactly(5, 4, 2);
        AtriumConfig dev = loader.load(CommandLine.parse("--dev"), Map.of());
        assertThat(dev.sip().enabled()).isTrue();
        assertThat(dev.sip().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void theWebAppKeepsNoApiKeyInABrowserUnlessAllowedOrInDevMode() throws Exception {
        assertThat(load(prodKeys(), Map.of()).http().browserApiKey()).isFalse();
        assertThat(load(prodKeys() + "http:\n  browser_api_key: true\n", Map.of()).http().browserApiKey()).isTrue();
        assertThat(load(prodKeys(), Map.of("ATRIUM_HTTP_BROWSER_API_KEY", "true")).http().browserApiKey()).isTrue();
        AtriumConfig dev = loader.load(CommandLine.parse("--dev"), Map.of());
        assertThat(dev.http().browserApiKey()).isTrue();
        assertThat(dev.http().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void theDownlinkEstimateBoundsMustBeOrdered() throws Exception {
        assertThatThrownBy(() -> load(prodKeys() + "rtc:\n  bwe:\n    initial_kbps: 50\n    min_kbps: 100\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rtc.bwe: 30 <= min_kbps <= initial_kbps <= max_kbps is required (got 100, 50, 20000)");
        assertThatThrownBy(() -> load(prodKeys() + "rtc:\n  bwe:\n    min_kbps: 10\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rtc.bwe");
        AtriumConfig ok = load(prodKeys() + "rtc:\n  bwe:\n    initial_kbps: 300\n    max_kbps: 5000\n", Map.of(), "--dev");
        assertThat(io.atrium.server.sfu.bwe.BandwidthEstimator.Limits.of(ok.rtc().bwe()))
                .isEqualTo(new io.atrium.server.sfu.bwe.BandwidthEstimator.Limits(300_000, 100_000, 5_000_000));
    }

    @Test
    void dynacastIsOnByDefaultAndItsWaitIsReadAndBounded() throws Exception {
        AtriumConfig.Dynacast byDefault = load(prodKeys(), Map.of()).rtc().dynacast();
        assertThat(byDefault.enabled()).isTrue();
        assertThat(byDefault.pauseAfterSeconds()).isEqualTo(5);
        AtriumConfig.Dynacast set = load(prodKeys() + "rtc:\n  dynacast:\n    enabled: false\n    pause_after_seconds: 2\n", Map.of())
                .rtc().dynacast();
        assertThat(set).isEqualTo(new AtriumConfig.Dynacast(false, 2));
        assertThatThrownBy(() -> load(prodKeys() + "rtc:\n  dynacast:\n    pause_after_seconds: 0\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rtc.dynacast.pause_after_seconds must be between 1 and 300 (got 0)");
    }

    @Test
    void mediaThreadsAreReadAndBoundedAndTheirPortsMustFit() throws Exception {
        assertThat(load(prodKeys(), Map.of()).rtc().mediaThreads())
                .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), 64));
        assertThat(load(prodKeys() + "rtc:\n  media_threads: 4\n", Map.of()).rtc().mediaThreads()).isEqualTo(4);
        assertThat(load(prodKeys(), Map.of("ATRIUM_RTC_MEDIA_THREADS", "3")).rtc().mediaThreads()).isEqualTo(3);
        for (int bad : new int[] {0, 65}) {
            assertThatThrownBy(() -> load(prodKeys() + "rtc:\n  media_threads: " + bad + "\n", Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("rtc.media_threads must be between 1 and 64 (got " + bad + ")");
        }
        assertThatThrownBy(() -> load(prodKeys() + "rtc:\n  port: 65535\n  media_threads: 2\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rtc.port + rtc.media_threads - 1 must be at most 65535: shard i listens on rtc.port + i (got 65535 and 2)");
    }

    @Test
    void thePublishCapIsReadAndBounded() throws Exception {
        assertThat(load(prodKeys(), Map.of()).rooms().maxPublishKbps()).as("the default").isEqualTo(4000);
        AtriumConfig capped = load(prodKeys() + "rooms:\n  max_publish_kbps: 300\n", Map.of());
        assertThat(io.atrium.server.sfu.MediaLimits.of(capped.rtc(), capped.rooms()).maxPublishBitrate()).isEqualTo(300_000);
        assertThatThrownBy(() -> load(prodKeys() + "rooms:\n  max_publish_kbps: 50\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rooms.max_publish_kbps must be between 100 and 100000 (got 50)");
    }

    @Test
    void theClusterIsOffWithoutRedisAndItsSettingsAreChecked() throws Exception {
        assertThat(load(prodKeys(), Map.of()).cluster().enabled()).isFalse();
        AtriumConfig on = load(prodKeys(), Map.of("ATRIUM_CLUSTER_REDIS_URL", "redis://10.0.0.9:6379/0", "ATRIUM_CLUSTER_NODE_ID", "n1"));
        assertThat(on.cluster().enabled()).isTrue();
        assertThat(on.cluster().nodeId()).isEqualTo("n1");
        assertThat(on.cluster().leaseMillis()).isEqualTo(5000);
        assertThat(on.cluster().drainTimeoutSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> load(prodKeys() + "cluster:\n  redis_url: http://x\n  node_id: 'a b'\n  public_url: https://n1/x\n"
                + "  heartbeat_millis: 1000\n  node_ttl_millis: 1500\n  drain_timeout_seconds: -1\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.redis_url 'http://x' is not a redis:// or rediss:// URL")
                .hasMessageContaining("cluster.node_id may only hold")
                .hasMessageContaining("cluster.public_url 'https://n1/x' must be http(s)://host[:port] with no path")
                .hasMessageContaining("node_ttl_millis >= 2 x heartbeat_millis")
                .hasMessageContaining("cluster.drain_timeout_seconds must be 0 or more, got -1");
    }

    @Test
    void webhooksNeedAStandardWebhooksSecretAndHttpUrls() throws Exception {
        assertThatThrownBy(() -> load(prodKeys() + "webhooks:\n  urls: [ftp://x, \"http://127.0.0.1:9/h\"]\n  secret: hunter2\n"
                + "  max_attempts: 0\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhooks.urls: 'ftp://x' is not an http:// or https:// URL")
                .hasMessageContaining("webhooks.secret must be whsec_ followed by base64")
                .hasMessageContaining("webhooks: timeout_seconds, max_attempts");
        assertThatThrownBy(() -> load(prodKeys() + "webhooks:\n  urls: [\"https://h.example.com/a\"]\n  secret: whsec_c2hvcnQ=\n",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("webhooks.secret must hold 24 to 64 bytes, got 5");
        AtriumConfig ok = load(prodKeys() + "webhooks:\n  urls: [\"https://h.example.com/a\"]\n  secret: whsec_"
                + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n", Map.of(), "--dev");
        assertThat(ok.webhooks().secretBytes()).hasSize(32);
        assertThat(ok.webhooks().urls()).containsExactly("https://h.example.com/a");
    }

    @Test
    void badSipSettingsAreReportedByKey() {
        assertThatThrownBy(() -> load(prodKeys() + "sip:\n  realm: \"a b\"\n  digest_algorithms: [SHA-1]\n"
                + "  rtp_port_min: 10\n  rtp_port_max: 11\n  trunks:\n    - name: t\n      address: nowhere\n"
                + "      transport: sctp\n  max_outbound_dials_per_room: 0\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sip.realm 'a b'")
                .hasMessageContaining("sip.digest_algorithms")
                .hasMessageContaining("sip.rtp_port_min")
                .hasMessageContaining("sip.trunks[0].address 'nowhere'")
                .hasMessageContaining("sip.trunks[0].transport must be udp or tcp")
                .hasMessageContaining("sip.invites_per_minute, sip.max_outbound_dials and sip.max_outbound_dials_per_room must be at least 1");
    }

    @Test
    void devModeGivesEveryFacadeAPrintedPasscodeAndKeepsConfiguredOnes() throws Exception {
        AtriumConfig dev = loader.load(CommandLine.parse("--dev"), Map.of());
        assertThat(dev.compat().live().passcode()).isEqualTo(Compat.DEV_PASSCODE);
        assertThat(dev.compat().meetings().adminPasscode()).isEqualTo(Compat.DEV_PASSCODE);
        assertThat(io.atrium.server.Main.devValues(dev)).anyMatch(l -> l.contains("/live/ with passcode 'devpass'"))
                .anyMatch(l -> l.contains("/meetings/admin.html with passcode 'devpass'"));
        AtriumConfig own = load("compat:\n  live:\n    passcode: mine-123\n", Map.of(), "--dev");
        assertThat(own.compat().live().passcode()).isEqualTo("mine-123");
        assertThat(io.atrium.server.Main.devValues(own)).noneMatch(l -> l.contains("mine-123"));
        assertThat(load(prodKeys(), Map.of()).compat().live().passcode()).isEmpty();
    }

    @Test
    void theMediaPortBindsRtcHostOrElseHttpHost() throws Exception {
        AtriumConfig split = load(prodKeys() + "http:\n  host: 127.0.0.1\nrtc:\n  host: 10.0.0.5\n", Map.of());
        assertThat(split.rtc().bindHost(split.http().host())).isEqualTo("10.0.0.5");
        AtriumConfig same = load(prodKeys() + "http:\n  host: 10.0.0.6\n", Map.of());
        assertThat(same.rtc().bindHost(same.http().host())).isEqualTo("10.0.0.6");
        AtriumConfig dev = load("rtc:\n  host: 0.0.0.0\n", Map.of(), "--dev");
        assertThat(dev.rtc().bindHost(dev.http().host())).as("--dev keeps media on loopback too").isEqualTo("127.0.0.1");
    }

    @Test
    void devModeAlwaysBindsLoopback() throws Exception {
        AtriumConfig c = load("http:\n  host: 0.0.0.0\n", Map.of(), "--dev");
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void layersApplyInOrderYamlThenEnvThenFlags() throws Exception {
        String yaml = prodKeys() + "http:\n  port: 9000\n  max_body_bytes: 2048\nrtc:\n  port: 9001\ndata_dir: /tmp/from-yaml\n";
        AtriumConfig yamlOnly = load(yaml, Map.of());
        assertThat(yamlOnly.http().port()).isEqualTo(9000);
        assertThat(yamlOnly.http().maxBodyBytes()).isEqualTo(2048);
        assertThat(yamlOnly.dataDir()).isEqualTo("/tmp/from-yaml");
        assertThat(yamlOnly.http().host()).isEqualTo("0.0.0.0");

        AtriumConfig env = load(yaml, Map.of("ATRIUM_HTTP_PORT", "9100", "ATRIUM_DATA_DIR", "/tmp/from-env",
                "ATRIUM_AUTH_API_KEYS", "{other: " + LONG_SECRET + "x}", "PATH", "/usr/bin"));
        assertThat(env.http().port()).isEqualTo(9100);
        assertThat(env.http().maxBodyBytes()).isEqualTo(2048);
        assertThat(env.dataDir()).isEqualTo("/tmp/from-env");
        assertThat(env.auth().apiKeys()).containsOnlyKeys("other");

        AtriumConfig flags = load(yaml, Map.of("ATRIUM_HTTP_PORT", "9100"), "--http-port", "9200", "--rtc-port", "9201",
                "--data-dir", "/tmp/from-flag");
        assertThat(flags.http().port()).isEqualTo(9200);
        assertThat(flags.rtc().port()).isEqualTo(9201);
        assertThat(flags.dataDir()).isEqualTo("/tmp/from-flag");
    }

    @Test
    void unknownKeysAreRejectedWithTheirPath() {
        assertThatThrownBy(() -> load(prodKeys() + "http:\n  prot: 1\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'http.prot'");
        assertThatThrownBy(() -> load(prodKeys() + "colour: red\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'colour'");
        assertThatThrownBy(() -> load(prodKeys(), Map.of("ATRIUM_HTTP_PROT", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ATRIUM_HTTP_PROT");
    }

    @Test
    void wrongTypesNameTheKey() {
        assertThatThrownBy(() -> load(prodKeys() + "http:\n  port: lots\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
        assertThatThrownBy(() -> load(prodKeys() + "http: [1, 2]\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> load("http:\n  port: [\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> load("- a\n- b\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mapping");
    }

    @Test
    void unreadableFileSaysSo() {
        assertThatThrownBy(() -> loader.load(CommandLine.parse("--config", dir.resolve("missing.yaml").toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read config file").hasMessageContaining("no such file");
    }

    @Test
    void productionRefusesTheDevCredentialsShortSecretsAndNoKeys() {
        assertThatThrownBy(() -> load("auth:\n  api_keys:\n    devkey: secret\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("refused outside --dev");
        assertThatThrownBy(() -> load("auth:\n  api_keys:\n    mine: secret\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("refused outside --dev");
        assertThatThrownBy(() -> load("auth:\n  api_keys:\n    mine: short-secret\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> load("", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.api_keys is empty");
    }

    @Test
    void validationReportsEveryProblemWithItsKey() {
        assertThatThrownBy(() -> load(prodKeys() + "http:\n  port: 70000\n  max_body_bytes: 10\nrtc:\n  port: -1\n"
                + "database:\n  url: mysql://x\n  max_pool_size: 0\n  connect_timeout_seconds: 0\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port").hasMessageContaining("rtc.port").hasMessageContaining("http.max_body_bytes")
                .hasMessageContaining("database.url 'mysql://x' is not supported").hasMessageContaining("database.max_pool_size")
                .hasMessageContaining("database.connect_timeout_seconds must be at least 1, got 0");
        assertThatThrownBy(() -> load("auth:\n  token_ttl_seconds: 100000\n  api_keys:\n    prod: " + LONG_SECRET + "\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.token_ttl_seconds");
    }

    @Test
    void fileSettings() throws Exception {
        AtriumConfig defaults = loader.load(CommandLine.parse("--dev", "--data-dir", "/srv/atrium"), Map.of());
        assertThat(defaults.files().maxUploadBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(defaults.filesPath()).isEqualTo(Path.of("/srv/atrium/files"));
        AtriumConfig set = load("files:\n  dir: /mnt/videos\n  max_upload_bytes: 5000000\n", Map.of("ATRIUM_FILES_URL_TTL_SECONDS", "60"), "--dev");
        assertThat(set.filesPath()).isEqualTo(Path.of("/mnt/videos"));
        assertThat(set.files().maxUploadBytes()).isEqualTo(5_000_000L);
        assertThat(set.files().urlTtlSeconds()).isEqualTo(60L);
        assertThatThrownBy(() -> load("files:\n  max_upload_bytes: 0\n  url_ttl_seconds: -5\n", Map.of(), "--dev"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("files.max_upload_bytes")
                .hasMessageContaining("files.url_ttl_seconds");
    }

    @Test
    void fileBytesAreInTheDatabaseOfAClusterAndLocalOtherwiseUnlessSet() throws Exception {
        String cluster = "cluster:\n  redis_url: redis://127.0.0.1:6379/0\n";
        assertThat(load("", Map.of(), "--dev").filesInDatabase()).isFalse();
        assertThat(load(cluster, Map.of(), "--dev").filesInDatabase()).isTrue();
        assertThat(load(cluster + "files:\n  storage: local\n", Map.of(), "--dev").filesInDatabase()).isFalse();
        assertThat(load("", Map.of("ATRIUM_FILES_STORAGE", "database"), "--dev").filesInDatabase()).isTrue();
        assertThatThrownBy(() -> load("files:\n  storage: s3\n", Map.of(), "--dev")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("files.storage must be local, database or empty").hasMessageContaining("'s3'");
    }

    @Test
    void badFlagsAreExplained() {
        assertThatThrownBy(() -> CommandLine.parse("--http-port", "eighty")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--http-port needs a port number");
        assertThatThrownBy(() -> CommandLine.parse("--config")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config needs a value");
        assertThatThrownBy(() -> CommandLine.parse("--frobnicate")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown option '--frobnicate'");
        assertThat(CommandLine.parse("--help").help()).isTrue();
        assertThat(CommandLine.parse("--version").version()).isTrue();
    }

    @Test
    void theSampleConfigDocumentsEveryKeyAndLoads() throws Exception {
        Path sample = Path.of("..", "atrium.sample.yaml");
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(sample.toFile());
        Set<String> documented = new TreeSet<>();
        collect(tree, "", documented);
        assertThat(documented).isEqualTo(loader.knownPaths());
        AtriumConfig fromSample = loader.load(CommandLine.parse("--config", sample.toString(), "--dev"), Map.of());
        AtriumConfig defaults = loader.load(CommandLine.parse("--dev"), Map.of());
        assertThat(fromSample).isEqualTo(defaults);
    }

    private static void collect(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject() && node.size() > 0) {
            node.fields().forEachRemaining(f -> collect(f.getValue(), prefix + f.getKey() + ".", out));
        } else {
            out.add(prefix.substring(0, prefix.length() - 1));
        }
    }
}
