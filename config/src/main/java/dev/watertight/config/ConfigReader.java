package dev.watertight.config;

import dev.watertight.Backoff;
import dev.watertight.Compartment;
import dev.watertight.CompartmentConfig;
import dev.watertight.ConfigProblem;
import dev.watertight.ConfigurationException;
import dev.watertight.ConnectionCompartmentConfig;
import dev.watertight.ConnectionPoolConfig;
import dev.watertight.GuardKind;
import dev.watertight.HealthConfig;
import dev.watertight.HealthThresholds;
import dev.watertight.KeyedCompartments;
import dev.watertight.KeyedCompartmentsConfig;
import dev.watertight.MemoryBudgetConfig;
import dev.watertight.WatertightConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads one configuration file into a {@link WatertightConfig}, finding every problem in it
 * before giving up: each has the file, line and column, the path of the key, the bad value and
 * what is allowed. The YAML is parsed by SnakeYAML Engine into a node tree (which keeps
 * positions); each guard's settings are handed to that guard's builder, so values are checked
 * by the same code, with the same messages, as settings made in code.
 *
 * <p>One reader reads one document; not thread-safe.
 */
final class ConfigReader {
    private static final List<String> SECTIONS = List.of("compartments", "memory", "connections", "keyed", "health");
    private static final List<String> KEYED_KEYS = List.of("maxKeys", "idleAfter", "template");
    /** The keys of a compartment: its guards' kinds, as a file names them. */
    private static final List<String> COMPARTMENT_KEYS = GuardKind.inFiles().stream()
            .map(kind -> kind.fileKey().orElseThrow()).toList();

    private final String source;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Map<String, String> positions = new HashMap<>();

    ConfigReader(String source) {
        this.source = source;
    }

    /**
     * Reads the document.
     *
     * @throws ConfigurationException with every problem found
     */
    WatertightConfig read(String yaml) {
        Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(source).setUseMarks(true).build())
                    .composeString(yaml).orElse(null);
        } catch (MarkedYamlEngineException malformed) {
            String where = malformed.getProblemMark().map(this::where).orElse(source);
            throw new ConfigurationException(List.of(new ConfigProblem(where, "(document)", null,
                    "not valid YAML: " + malformed.getProblem())));
        } catch (YamlEngineException malformed) {
            throw new ConfigurationException(List.of(new ConfigProblem(source, "(document)", null,
                    "not valid YAML: " + malformed.getMessage())));
        }
        Map<String, CompartmentConfig> compartments = new LinkedHashMap<>();
        Map<String, MemoryBudgetConfig> memory = new LinkedHashMap<>();
        Map<String, ConnectionPoolConfig> pools = new LinkedHashMap<>();
        Map<String, ConnectionCompartmentConfig> connections = new LinkedHashMap<>();
        Map<String, KeyedCompartmentsConfig> keyed = new LinkedHashMap<>();
        HealthConfig health = HealthConfig.DEFAULTS;
        if (root != null) { // an empty file is an empty configuration
            Map<String, Node> sections = mapping(root, "");
            Set<String> named = new LinkedHashSet<>(); // compartments the file names, even badly set ones
            Map<String, Node> healthOf = new LinkedHashMap<>();
            for (Map.Entry<String, Node> entry : sections.entrySet()) {
                String section = entry.getKey();
                Node node = entry.getValue();
                switch (section) {
                    case "compartments" -> mapping(node, section).forEach((name, value) -> {
                        named.add(name);
                        compartment(name, "compartments." + name, value).ifPresent(config -> compartments.put(name, config));
                    });
                    case "memory" -> memory(node, memory);
                    case "connections" -> connections(node, pools, connections);
                    case "keyed" -> keyed(node, keyed);
                    case "health" -> health = health(node, healthOf);
                    default -> unknown(node, section, section, SECTIONS);
                }
            }
            healthOf.forEach((name, node) -> {
                if (!named.contains(name)) {
                    problem(node, "health.compartments." + name, name,
                            "names no compartment of this file; there are " + named);
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        try {
            return new WatertightConfig(compartments, memory, pools, connections, keyed, health);
        } catch (IllegalArgumentException inconsistent) {
            throw new ConfigurationException(List.of(new ConfigProblem(source, "(document)", null,
                    String.valueOf(inconsistent.getMessage()))));
        }
    }

    /** Where the key at that path was written, e.g. {@code app.yaml:12:5}, or the file alone. */
    String where(String path) {
        for (String at = path; !at.isEmpty(); at = at.contains(".") ? at.substring(0, at.lastIndexOf('.')) : "") {
            String found = positions.get(at);
            if (found != null) {
                return found;
            }
        }
        return source;
    }

    private Optional<CompartmentConfig> compartment(String name, String path, Node node) {
        int before = problems.size();
        Map<String, Node> guards = mapping(node, path);
        Map<GuardKind<?, ?, ?>, GuardKind.Reading<?>> readings = new LinkedHashMap<>();
        for (Map.Entry<String, Node> guard : guards.entrySet()) {
            String at = path + "." + guard.getKey();
            Optional<GuardKind<?, ?, ?>> kind = GuardKind.byFileKey(guard.getKey());
            if (kind.isEmpty()) {
                unknown(guard.getValue(), at, guard.getKey(), COMPARTMENT_KEYS);
                continue;
            }
            GuardKind.Reading<?> reading = guardSettings(kind.get(), name, guard.getValue(), at);
            if (reading != null) {
                readings.put(kind.get(), reading);
            }
        }
        if (guards.isEmpty() && problems.size() == before) {
            problem(node, path, null, "a compartment needs at least one guard; give one or more of " + COMPARTMENT_KEYS);
        }
        for (GuardKind<?, ?, ?> kind : GuardKind.inFiles()) {
            kind.excludes().filter(other -> kind.name().compareTo(other) < 0).ifPresent(other -> {
                if (kind.fileKey().map(guards::containsKey).orElse(false) && guards.containsKey(other)) {
                    problem(node, path, null, "a compartment has a " + kind.title() + " or a "
                            + GuardKind.byFileKey(other).map(GuardKind::title).orElse(other) + ", not both");
                }
            });
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        // Each builder's final check (settings that must fit together) may still refuse.
        Map<GuardKind<?, ?, ?>, Object> settings = new LinkedHashMap<>();
        readings.forEach((kind, reading) -> {
            String at = path + "." + kind.fileKey().orElse(kind.name());
            Object config = built(guards.get(kind.fileKey().orElse(kind.name())), at, reading::config);
            if (config != null) {
                settings.put(kind, config);
            }
        });
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.ofNullable(built(node, path, () -> new CompartmentConfig(name, settings)));
    }

    /**
     * One guard's settings, handed to its builder: a mapping of the kind's settings, or, for a kind
     * a file gives as one value ({@code timeout: 2s}), that value. Returns null if any was wrong.
     */
    private <C> GuardKind.@Nullable Reading<C> guardSettings(GuardKind<?, C, ?> kind, String name, Node value,
            String at) {
        int before = problems.size();
        GuardKind.Reading<C> reading = kind.read(name);
        Optional<String> scalar = kind.scalarSetting();
        if (scalar.isPresent()) {
            GuardKind.Setting<C> setting = setting(kind, scalar.get());
            String fileKey = kind.fileKey().orElse(kind.name());
            // The builder names its own setting (cores); the file names the kind (cpuCores).
            give(reading, setting, value, at, message -> message.startsWith(setting.name() + " ")
                    ? fileKey + message.substring(setting.name().length()) : message);
        } else {
            Map<String, Node> entries = mapping(value, at);
            List<String> allowed = kind.fileSettings().stream().map(GuardKind.Setting::name).toList();
            // Settings written as a mapping (an exponential backoff) are read before the single
            // values, so that a file's problems keep the order they have always been listed in.
            List<Map.Entry<String, Node>> ordered = new ArrayList<>(entries.entrySet());
            ordered.sort(Comparator.comparing(entry -> !(entry.getValue() instanceof MappingNode)));
            ordered.forEach(entry -> {
                String key = entry.getKey();
                Optional<GuardKind.Setting<C>> setting = kind.fileSettings().stream()
                        .filter(candidate -> candidate.name().equals(key)).findFirst();
                if (setting.isEmpty()) {
                    unknown(entry.getValue(), at + "." + key, key, allowed);
                } else {
                    give(reading, setting.get(), entry.getValue(), at + "." + key, Function.identity());
                }
            });
        }
        return problems.size() > before ? null : reading;
    }

    private static <C> GuardKind.Setting<C> setting(GuardKind<?, C, ?> kind, String name) {
        return kind.fileSettings().stream().filter(setting -> setting.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(kind + " has no file setting " + name));
    }

    /**
     * Reads one setting's value as its type says and hands it to the builder; a value that does
     * not read, or that the builder refuses, is a problem where the value is written.
     */
    private <C> void give(GuardKind.Reading<C> reading, GuardKind.Setting<C> setting, Node value, String at,
            Function<String, String> message) {
        if (setting.type() == GuardKind.ValueType.BACKOFF && value instanceof MappingNode exponential) {
            Backoff parsed = exponential(exponential, at);
            if (parsed != null) {
                reading.set(setting, parsed);
            }
            return;
        }
        String text = scalar(value, at, Function.identity());
        if (text == null) {
            return;
        }
        try {
            reading.set(setting, Values.of(setting.type(), text));
        } catch (IllegalArgumentException | IllegalStateException notAllowed) {
            problem(value, at, text, message.apply(String.valueOf(notAllowed.getMessage())));
        }
    }

    /**
     * A group of per-key compartments: {@code maxKeys} and {@code idleAfter} (the builder's
     * defaults unless given) and a {@code template}, a compartment's guards.
     */
    private void keyed(Node node, Map<String, KeyedCompartmentsConfig> keyed) {
        mapping(node, "keyed").forEach((name, value) -> {
            String path = "keyed." + name;
            int before = problems.size();
            Map<String, Node> parts = mapping(value, path);
            parts.keySet().stream().filter(key -> !KEYED_KEYS.contains(key))
                    .forEach(key -> unknown(parts.get(key), path + "." + key, key, KEYED_KEYS));
            Integer maxKeys = parts.containsKey("maxKeys") ? scalar(parts.get("maxKeys"), path + ".maxKeys", text -> {
                int count = Values.wholeNumber(text);
                KeyedCompartments.builder(name, ConfigReader::neverBuilt).maxKeys(count); // its check and message
                return count;
            }) : Integer.valueOf(KeyedCompartments.DEFAULT_MAX_KEYS);
            Duration idleAfter = parts.containsKey("idleAfter") ? scalar(parts.get("idleAfter"), path + ".idleAfter", text -> {
                Duration idle = Values.duration(text);
                KeyedCompartments.builder(name, ConfigReader::neverBuilt).idleAfter(idle);
                return idle;
            }) : KeyedCompartments.DEFAULT_IDLE_AFTER;
            Node templateNode = parts.get("template");
            Optional<CompartmentConfig> template = Optional.empty();
            if (templateNode == null) {
                problem(value, path + ".template", null, "missing; it is required (the guards of every key's compartment)");
            } else {
                template = compartment(name, path + ".template", templateNode);
            }
            // A missing value was reported as a problem: the nulls below are covered by that test.
            if (problems.size() > before || template.isEmpty() || maxKeys == null || idleAfter == null) {
                return;
            }
            CompartmentConfig guards = template.get();
            KeyedCompartmentsConfig config = built(value, path, () -> new KeyedCompartmentsConfig(name, maxKeys, idleAfter, guards));
            if (config != null) {
                keyed.put(name, config);
            }
        });
    }

    /**
     * The health section: thresholds for every compartment, and under {@code compartments} those
     * of single compartments, each starting from the section's own.
     *
     * @param named receives the node of each compartment given thresholds of its own, to check
     *     that the file has such a compartment
     */
    private HealthConfig health(Node node, Map<String, Node> named) {
        Map<String, Node> entries = mapping(node, "health");
        Node single = entries.remove(HealthSettings.COMPARTMENTS);
        HealthThresholds.Builder builder = HealthThresholds.builder();
        thresholds(entries, "health", builder, HealthSettings.keys(true));
        HealthThresholds defaults = builder.build();
        Map<String, HealthThresholds> own = new LinkedHashMap<>();
        if (single != null) {
            mapping(single, "health.compartments").forEach((name, value) -> {
                String path = "health.compartments." + name;
                named.put(name, value);
                HealthThresholds.Builder override = defaults.toBuilder();
                thresholds(mapping(value, path), path, override, HealthSettings.keys(false));
                own.put(name, override.build());
            });
        }
        HealthConfig health = built(node, "health", () -> new HealthConfig(defaults, own));
        return health == null ? HealthConfig.DEFAULTS : health;
    }

    /** Applies a set of thresholds to a builder: single settings and signal pairs. */
    private void thresholds(Map<String, Node> entries, String path, HealthThresholds.Builder builder, List<String> allowed) {
        entries.forEach((key, value) -> {
            HealthSettings.Signal signal = HealthSettings.SIGNALS.get(key);
            if (signal != null) {
                pair(value, path + "." + key, key, signal, builder);
            } else if (HealthSettings.SINGLE.containsKey(key)) {
                apply(Map.of(key, value), path, builder, HealthSettings.SINGLE);
            } else {
                unknown(value, path + "." + key, key, allowed);
            }
        });
    }

    /** {@code {degradedAt: 80%, unhealthyAt: 95%}}; a half left out keeps the value it had. */
    private void pair(Node node, String path, String name, HealthSettings.Signal signal, HealthThresholds.Builder builder) {
        int before = problems.size();
        Map<String, Node> halves = mapping(node, path);
        halves.keySet().stream().filter(key -> !HealthSettings.PAIR.contains(key))
                .forEach(key -> unknown(halves.get(key), path + "." + key, key, HealthSettings.PAIR));
        Double degradedAt = halves.containsKey("degradedAt") ? scalar(halves.get("degradedAt"), path + ".degradedAt", Values::share) : null;
        Double unhealthyAt = halves.containsKey("unhealthyAt") ? scalar(halves.get("unhealthyAt"), path + ".unhealthyAt", Values::share) : null;
        if (problems.size() > before) {
            return;
        }
        if (halves.isEmpty()) {
            problem(node, path, null, "give degradedAt, unhealthyAt or both");
            return;
        }
        HealthThresholds current = builder.build();
        try {
            signal.setter().set(builder, degradedAt != null ? degradedAt : signal.degradedAt().applyAsDouble(current),
                    unhealthyAt != null ? unhealthyAt : signal.unhealthyAt().applyAsDouble(current));
        } catch (IllegalArgumentException notAllowed) {
            // The builder names the half it refuses; the problem points at that half as written.
            String half = String.valueOf(notAllowed.getMessage()).startsWith(name + ".degradedAt") ? "degradedAt" : "unhealthyAt";
            Node at = halves.getOrDefault(half, node);
            problem(at, halves.containsKey(half) ? path + "." + half : path, text(at), notAllowed.getMessage());
        }
    }

    /** Applies single-valued settings of a section that is not a guard (health) to its builder. */
    private <B> void apply(Map<String, Node> entries, String path, B builder, Map<String, Setting<B>> allowed) {
        entries.forEach((key, value) -> {
            String at = path + "." + key;
            Setting<B> setting = allowed.get(key);
            if (setting == null) {
                unknown(value, at, key, allowed.keySet());
                return;
            }
            String text = scalar(value, at, Function.identity());
            if (text == null) {
                return;
            }
            try {
                setting.apply(builder, text);
            } catch (IllegalArgumentException | IllegalStateException notAllowed) {
                problem(value, at, text, notAllowed.getMessage());
            }
        });
    }

    /** {@code {initial: 100ms, multiplier: 2, max: 5s}}; the multiplier is 2 unless given. */
    private @Nullable Backoff exponential(Node node, String path) {
        Map<String, Node> parts = mapping(node, path);
        List<String> allowed = List.of("initial", "multiplier", "max");
        int before = problems.size();
        parts.keySet().stream().filter(key -> !allowed.contains(key))
                .forEach(key -> unknown(parts.get(key), path + "." + key, key, allowed));
        Duration initial = required(parts, node, path, "initial", Values::duration);
        Double multiplier = parts.containsKey("multiplier") ? scalar(parts.get("multiplier"), path + ".multiplier", Values::decimal) : Double.valueOf(2.0);
        Duration max = required(parts, node, path, "max", Values::duration);
        if (problems.size() > before || initial == null || multiplier == null || max == null) {
            return null;
        }
        return built(node, path, () -> Backoff.exponential(initial, multiplier, max));
    }

    private void memory(Node node, Map<String, MemoryBudgetConfig> memory) {
        Map<String, Node> budgets = mapping(node, "memory");
        budgets.forEach((name, value) -> {
            String path = "memory." + name;
            Long budget;
            String parent = null;
            if (value instanceof ScalarNode) {
                budget = scalar(value, path, Values::bytes);
            } else {
                Map<String, Node> parts = mapping(value, path);
                parts.keySet().stream().filter(key -> !key.equals("budget") && !key.equals("parent"))
                        .forEach(key -> unknown(parts.get(key), path + "." + key, key, List.of("budget", "parent")));
                budget = required(parts, value, path, "budget", Values::bytes);
                if (parts.containsKey("parent")) {
                    parent = scalar(parts.get("parent"), path + ".parent", Function.identity());
                    if (parent != null && !budgets.containsKey(parent)) {
                        problem(parts.get("parent"), path + ".parent", parent,
                                "names no memory budget of this file; there are " + budgets.keySet());
                        parent = null;
                    }
                }
            }
            if (budget != null) {
                String parentName = parent;
                MemoryBudgetConfig config = built(value, path, () -> new MemoryBudgetConfig(name, budget, parentName));
                if (config != null) {
                    memory.put(name, config);
                }
            }
        });
    }

    private void connections(Node node, Map<String, ConnectionPoolConfig> pools,
            Map<String, ConnectionCompartmentConfig> compartments) {
        Map<String, Node> parts = mapping(node, "connections");
        parts.keySet().stream().filter(key -> !key.equals("pools") && !key.equals("compartments"))
                .forEach(key -> unknown(parts.get(key), "connections." + key, key, List.of("pools", "compartments")));
        if (parts.containsKey("pools")) {
            mapping(parts.get("pools"), "connections.pools").forEach((name, value) -> {
                String path = "connections.pools." + name;
                Integer capacity = value instanceof ScalarNode
                        ? scalar(value, path, Values::wholeNumber)
                        : required(mapping(value, path), value, path, "capacity", Values::wholeNumber);
                if (capacity != null) {
                    ConnectionPoolConfig pool = built(value, path, () -> new ConnectionPoolConfig(name, capacity));
                    if (pool != null) {
                        pools.put(name, pool);
                    }
                }
            });
        }
        Map<String, Integer> reservations = new LinkedHashMap<>();
        if (parts.containsKey("compartments")) {
            mapping(parts.get("compartments"), "connections.compartments").forEach((name, value) -> {
                String path = "connections.compartments." + name;
                Map<String, Node> settings = mapping(value, path);
                List<String> allowed = List.of("pool", "reserved", "ceiling", "acquireTimeout");
                int before = problems.size();
                settings.keySet().stream().filter(key -> !allowed.contains(key))
                        .forEach(key -> unknown(settings.get(key), path + "." + key, key, allowed));
                String pool = required(settings, value, path, "pool", Function.identity());
                if (pool != null && !pools.containsKey(pool)) {
                    problem(settings.get("pool"), path + ".pool", pool, "names no connection pool of this file; there are "
                            + pools.keySet());
                }
                Integer reserved = settings.containsKey("reserved")
                        ? scalar(settings.get("reserved"), path + ".reserved", Values::wholeNumber) : Integer.valueOf(0);
                Integer ceiling = required(settings, value, path, "ceiling", Values::wholeNumber);
                Duration acquireTimeout = settings.containsKey("acquireTimeout")
                        ? scalar(settings.get("acquireTimeout"), path + ".acquireTimeout", ConfigReader::acquireTimeout)
                        : ConnectionCompartmentConfig.DEFAULT_ACQUIRE_TIMEOUT;
                ConnectionPoolConfig poolConfig = pool == null ? null : pools.get(pool);
                if (problems.size() > before || pool == null || poolConfig == null || reserved == null || ceiling == null
                        || acquireTimeout == null) {
                    return;
                }
                ConnectionCompartmentConfig config = built(value, path,
                        () -> new ConnectionCompartmentConfig(name, pool, reserved, ceiling, acquireTimeout));
                if (config != null) {
                    compartments.put(name, config);
                    reservations.merge(pool, reserved, Integer::sum);
                    if (ceiling > poolConfig.capacity()) {
                        problem(settings.get("ceiling"), path + ".ceiling", String.valueOf(ceiling),
                                "ceiling must be at most the capacity " + poolConfig.capacity() + " of pool '" + pool + "'");
                    }
                }
            });
        }
        reservations.forEach((pool, reserved) -> {
            int capacity = java.util.Objects.requireNonNull(pools.get(pool), pool).capacity(); // reserved on a known pool
            if (reserved > capacity) {
                problem(parts.get("compartments"), "connections.compartments", String.valueOf(reserved),
                        "the reservations on pool '" + pool + "' add up to " + reserved + ", more than its capacity "
                                + capacity);
            }
        });
    }

    /** The entries of a mapping by key, recording the position of each; problems for anything else. */
    private Map<String, Node> mapping(Node node, String path) {
        Map<String, Node> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode mapping)) {
            problem(node, path.isEmpty() ? "(document)" : path, text(node),
                    "expected a mapping of settings (key: value lines)");
            return entries;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                problem(tuple.getKeyNode(), path, null, "a key must be a plain name");
                continue;
            }
            String at = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            if (entries.containsKey(key.getValue())) {
                problem(key, at, key.getValue(), "given twice; each key may appear once");
                continue;
            }
            positions.put(at, where(key));
            entries.put(key.getValue(), tuple.getValueNode());
        }
        return entries;
    }

    private <T> @Nullable T scalar(Node node, String path, Function<String, T> read) {
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, path, null, "expected a single value, not a list or a mapping");
            return null;
        }
        try {
            return read.apply(scalar.getValue());
        } catch (IllegalArgumentException bad) {
            problem(node, path, scalar.getValue(), bad.getMessage());
            return null;
        }
    }

    private <T> @Nullable T required(Map<String, Node> parts, Node parent, String path, String key,
            Function<String, T> read) {
        Node value = parts.get(key);
        if (value == null) {
            problem(parent, path + "." + key, null, "missing; it is required");
            return null;
        }
        return scalar(value, path + "." + key, read);
    }

    /** Checked here as well as by the record, so that a bad value is shown where it is written. */
    private static Duration acquireTimeout(String text) {
        Duration value = Values.duration(text);
        Duration min = ConnectionCompartmentConfig.MIN_ACQUIRE_TIMEOUT;
        Duration max = ConnectionCompartmentConfig.MAX_ACQUIRE_TIMEOUT;
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("acquireTimeout must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** The template of a group made only to run its checks on one setting: it never builds. */
    private static Compartment neverBuilt(Object key) {
        throw new IllegalStateException("a group made only to check its settings builds nothing");
    }

    /** Runs a constructor or a builder's final check; its refusal becomes a problem here. */
    private <T> @Nullable T built(@Nullable Node node, String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | IllegalStateException notAllowed) {
            problem(node, path, null, notAllowed.getMessage());
            return null;
        }
    }

    private void unknown(@Nullable Node node, String path, String key, Collection<String> allowed) {
        String nearest = Spelling.nearest(key, allowed);
        problem(node, path, key, "unknown setting '" + key + "'" + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
                + "; allowed: " + String.join(", ", allowed));
    }

    /** A bad value is shown where the value is; a bad mapping where its key is. */
    private void problem(@Nullable Node node, String path, @Nullable String value, @Nullable String message) {
        String position = positions.get(path);
        String at = node instanceof ScalarNode || position == null ? (node == null ? source : where(node)) : position;
        // Every refusal of ours has a message; a library's without one still gets a line.
        problems.add(new ConfigProblem(at, path, value, message == null ? "not allowed" : message));
    }

    private String where(Node node) {
        return node.getStartMark().map(this::where).orElse(source);
    }

    private String where(Mark mark) {
        return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
    }

    private static @Nullable String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }
}
