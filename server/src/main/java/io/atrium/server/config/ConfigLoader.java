package io.atrium.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds the {@link AtriumConfig} from four layers: typed defaults, the YAML file, {@code ATRIUM_*}
 * environment variables (values parsed as YAML, so {@code ATRIUM_AUTH_API_KEYS='{k: s}'} works) and
 * command-line flags. Unknown keys are rejected in every layer.
 */
public final class ConfigLoader {

    static final String ENV_PREFIX = "ATRIUM_";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Loads and validates the configuration. */
    public AtriumConfig load(CommandLine cli, Map<String, String> env) {
        ObjectNode tree = yaml.createObjectNode();
        cli.configFile().ifPresent(file -> tree.setAll(readFile(Path.of(file))));
        applyEnvironment(tree, env);
        cli.overrides().forEach((path, value) -> set(tree, path, yaml.valueToTree(value)));
        AtriumConfig config = bind(tree, cli.configFile().orElse("configuration"));
        return new ConfigValidator().validate(config);
    }

    private ObjectNode readFile(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("cannot read config file " + file.toAbsolutePath()
                    + (Files.exists(file) ? ": permission denied" : ": no such file"));
        }
        try {
            JsonNode node = yaml.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return yaml.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException("config file " + file + " must hold a YAML mapping at the top level");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private void applyEnvironment(ObjectNode tree, Map<String, String> env) {
        Map<String, String> byEnvName = knownPaths().stream()
                .collect(Collectors.toMap(ConfigLoader::envName, p -> p));
        for (var e : new TreeSet<>(env.keySet())) {
            if (!e.startsWith(ENV_PREFIX)) {
                continue;
            }
            String path = byEnvName.get(e);
            if (path == null) {
                throw new ConfigException("unknown environment variable " + e + "; known: "
                        + new TreeSet<>(byEnvName.keySet()));
            }
            try {
                set(tree, path, yaml.readTree(env.get(e)));
            } catch (JsonProcessingException ex) {
                throw new ConfigException(e + " is not a valid value: " + ex.getOriginalMessage());
            }
        }
    }

    /** Every key path of the configuration, e.g. {@code http.port}, derived from the defaults. */
    Set<String> knownPaths() {
        Set<String> paths = new TreeSet<>();
        collect(yaml.valueToTree(AtriumConfig.defaults()), "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject() && node.size() > 0) {
            node.fields().forEachRemaining(f -> collect(f.getValue(), prefix + f.getKey() + ".", out));
        } else {
            out.add(prefix.substring(0, prefix.length() - 1));
        }
    }

    static String envName(String path) {
        return ENV_PREFIX + path.replace('.', '_').toUpperCase();
    }

    private static void set(ObjectNode tree, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }

    private AtriumConfig bind(ObjectNode tree, String source) {
        try {
            return yaml.treeToValue(tree, AtriumConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown key '" + path(e) + "' in " + source + "; see atrium.sample.yaml for every key");
        } catch (JsonMappingException e) {
            throw new ConfigException("bad value for '" + path(e) + "' in " + source + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("cannot read " + source + ": " + e.getOriginalMessage());
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
