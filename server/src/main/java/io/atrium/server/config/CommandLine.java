package io.atrium.server.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line flags. Flags that set configuration keys are collected as key-path overrides,
 * the last layer over YAML and environment.
 */
public record CommandLine(Optional<String> configFile, boolean help, boolean version, Map<String, Object> overrides) {

    public static final String USAGE = """
            Usage: java -jar atrium.jar [options]

              --dev              development mode: binds 127.0.0.1, embedded H2, API key devkey/secret
              --config FILE      YAML configuration file (see atrium.sample.yaml)
              --http-port N      HTTP port for the API, WebSocket and web app (http.port)
              --rtc-port N       UDP port for all media (rtc.port)
              --data-dir DIR     directory for the embedded database and files (data_dir)
              --help             print this help and exit
              --version          print the version and exit

            Environment: ATRIUM_<KEY_PATH> overrides any key, e.g. ATRIUM_HTTP_PORT=8080.
            """;

    public static CommandLine parse(String... args) {
        Optional<String> config = Optional.empty();
        boolean help = false;
        boolean version = false;
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--dev" -> overrides.put("dev", true);
                case "--config" -> config = Optional.of(value(args, ++i, arg));
                case "--http-port" -> overrides.put("http.port", port(value(args, ++i, arg), arg));
                case "--rtc-port" -> overrides.put("rtc.port", port(value(args, ++i, arg), arg));
                case "--data-dir" -> overrides.put("data_dir", value(args, ++i, arg));
                default -> throw new ConfigException("unknown option '" + arg + "'; see --help");
            }
        }
        return new CommandLine(config, help, version, Map.copyOf(overrides));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new ConfigException(flag + " needs a value; see --help");
        }
        return args[i];
    }

    private static int port(String value, String flag) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(flag + " needs a port number, got '" + value + "'");
        }
    }
}
