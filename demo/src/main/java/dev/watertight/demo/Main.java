package dev.watertight.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's launcher: {@code Main COMMAND [options]}, {@code Main --help} lists the commands and
 * {@code Main COMMAND --help} a command's options. A command is added by listing it in
 * {@link #COMMANDS}.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(new DemoCommand(), new ServeCommand(), new StormCommand());

    private Main() {}

    /**
     * Runs a command and exits with its status: 0 when it succeeded, 2 for a usage mistake, 1 for
     * a failure.
     *
     * @param args the command's name, then its options
     */
    public static void main(String[] args) {
        int status = run(Arrays.asList(args), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a command.
     *
     * @param args the command's name, then its options
     * @param out where the command prints
     * @param err where mistakes and failures are printed
     * @return the exit status: 0 success, 1 failure, 2 usage mistake
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = new LinkedHashMap<>();
        COMMANDS.forEach(command -> commands.put(command.name(), command));
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            help(commands, args.isEmpty() ? err : out);
            return args.isEmpty() ? 2 : 0;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            err.println("unknown command '" + args.get(0) + "'");
            help(commands, err);
            return 2;
        }
        try {
            return command.run(args.subList(1, args.size()), out);
        } catch (IllegalArgumentException mistake) {
            err.println(command.name() + ": " + mistake.getMessage());
            err.println("usage: " + command.name() + " [options]\n" + command.usage());
            return 2;
        } catch (Exception failure) {
            err.println(command.name() + " failed: " + failure);
            return 1;
        }
    }

    private static void help(Map<String, Command> commands, PrintStream out) {
        out.println("Watertight demo: the seed's e-commerce shop, with compartments or with one shared pool.");
        out.println("usage: COMMAND [options]   (COMMAND --help shows its options)");
        out.println("commands:");
        commands.values().forEach(command -> out.printf(java.util.Locale.ROOT, "  %-10s %s%n", command.name(), command.summary()));
    }
}
