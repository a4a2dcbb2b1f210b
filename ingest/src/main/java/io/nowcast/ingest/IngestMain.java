package io.nowcast.ingest;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.simulator.HistoryCommand;
import io.nowcast.simulator.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the ingest tools ({@code ./nowcast simulate | produce | tail}). Errors are one
 * line on stderr and a non-zero exit: 2 for bad usage or configuration, 1 for failures.
 */
@Command(name = "nowcast-ingest", mixinStandardHelpOptions = true,
        subcommands = {SimulateCommand.class, HistoryCommand.class, ProduceCommand.class, TailCommand.class, ProbeCommand.class, LoadCommand.class},
        description = "Gets data into Kafka: the shop simulator, file replay, topic tail and the freshness probe.")
public final class IngestMain implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is required: simulate, produce or tail");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the tools with the process environment; returns the exit status instead of exiting. */
    static int execute(String[] args) {
        Endpoints endpoints;
        try {
            Env env = Env.system();
            endpoints = Endpoints.from(env);
            env.check();
        } catch (Env.ConfigException e) {
            System.err.println("nowcast: error: " + e.getMessage());
            return 2;
        }
        CommandLine cli = new CommandLine(new IngestMain(), new Factory(endpoints));
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("nowcast " + line.getCommandName() + ": error: " + oneLine(ex));
            return ex instanceof IllegalArgumentException || ex instanceof java.nio.file.NoSuchFileException ? 2 : 1;
        });
        cli.setParameterExceptionHandler((ex, argv) -> {
            System.err.println("nowcast " + ex.getCommandLine().getCommandName() + ": error: " + ex.getMessage()
                    + " (see --help)");
            return 2;
        });
        return cli.execute(args);
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return m.replace('\n', ' ');
    }

    /** Gives KafkaOptions the configured bootstrap servers, and commands that take Endpoints the endpoints. */
    private record Factory(Endpoints endpoints) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            for (var c : cls.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == String.class) {
                    return cls.cast(c.newInstance(endpoints.kafkaBootstrap()));
                }
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Endpoints.class) {
                    return cls.cast(c.newInstance(endpoints));
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
