package dev.watertight.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's options, {@code --name value} or {@code --name=value}, checked against the names
 * the command knows; {@code --help} is always known and takes no value. A mistake is an
 * {@link IllegalArgumentException} that says what was wrong, for the user to read.
 */
final class Arguments {
    private final Map<String, String> values;

    private Arguments(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Reads the options.
     *
     * @param args what followed the command's name
     * @param known the option names the command takes, without {@code --}
     */
    static Arguments parse(List<String> args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                values.put("help", "true");
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected an option (--name value), got '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; this command takes "
                        + known.stream().sorted().map(option -> "--" + option).toList());
            }
            values.put(name, value);
        }
        return new Arguments(values);
    }

    boolean help() {
        return values.containsKey("help");
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int port(String name, int fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException("--" + name + " must be a port from 0 to 65535, was '" + text + "'");
    }

    Mode mode(String name, Mode fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "shared" -> Mode.SHARED;
            case "compartments" -> Mode.COMPARTMENTS;
            default -> throw new IllegalArgumentException("--" + name + " must be shared or compartments, was '" + text + "'");
        };
    }
}
