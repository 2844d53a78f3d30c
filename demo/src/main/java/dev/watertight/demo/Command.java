package dev.watertight.demo;

import java.io.PrintStream;
import java.util.List;

/** One command of the demo's launcher ({@code serve}, and those added beside it). */
interface Command {

    /** Its name, as typed. */
    String name();

    /** One line saying what it does. */
    String summary();

    /** Its options, one per line, as {@code --help} shows them. */
    String usage();

    /**
     * Runs it.
     *
     * @param args what followed its name
     * @param out where to print
     * @return the exit status
     * @throws IllegalArgumentException if the arguments are wrong (the message is shown with the usage)
     * @throws Exception if it failed
     */
    int run(List<String> args, PrintStream out) throws Exception;
}
