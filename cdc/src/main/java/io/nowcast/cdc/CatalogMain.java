package io.nowcast.cdc;

import io.nowcast.catalog.CatalogTable;
import io.nowcast.config.Env;
import io.nowcast.db.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./nowcast catalog ...}: the CDC process, the catalog loader, the readiness check and the slot
 * clean-up. Errors are one line on stderr; exit 2 for bad usage or configuration, 3 when PostgreSQL is
 * not ready for CDC (the message says what to set), 1 for other failures.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        subcommands = {CatalogMain.Cdc.class, CatalogMain.Load.class, CatalogMain.Preflight.class, CatalogMain.DropSlot.class},
        description = "The product catalog in PostgreSQL and its change data capture into Kafka.")
public final class CatalogMain implements Runnable {
    static final int NOT_READY = 3;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is required: cdc, load, preflight or drop-slot");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String[] args) {
        CommandLine cli = new CommandLine(new CatalogMain());
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            System.err.println("nowcast catalog " + line.getCommandName() + ": error: " + String.valueOf(ex.getMessage()).replace('\n', ' '));
            if (ex instanceof CatalogCdc.NotReady) {
                return NOT_READY;
            }
            return ex instanceof Env.ConfigException || ex instanceof java.nio.file.NoSuchFileException ? 2 : 1;
        });
        cli.setParameterExceptionHandler((ex, argv) -> {
            System.err.println("nowcast catalog " + ex.getCommandLine().getCommandName() + ": error: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        return cli.execute(args);
    }

    @Command(name = "cdc", mixinStandardHelpOptions = true,
            description = {"Streams product_catalog changes from PostgreSQL to the product_catalog topic until stopped (SIGTERM).",
                    "Takes an initial snapshot the first time; its offsets (NOWCAST_CDC_OFFSETS) make a restart continue."})
    static final class Cdc implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            CatalogCdc cdc = CatalogCdc.start(CdcConfig.from(Env.system()));
            Thread hook = new Thread(() -> {
                try {
                    cdc.close();
                } catch (Exception e) {
                    System.err.println("nowcast catalog cdc: stopping: " + e.getMessage());
                }
            }, "cdc-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            cdc.await();
            return 0;
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = {"Upserts a catalog file into the product_catalog table (one transaction; CDC streams the changes).",
                    "JSON lines in the product JSON ({\"product_id\":..,\"deleted\":true} deletes) or CSV with a header naming the same fields.",
                    "Reports rows inserted, updated, unchanged, deleted and rejected (with line and reason). Exit 1 if any row was rejected."})
    static final class Load implements Callable<Integer> {
        @Option(names = "--file", required = true, description = "the catalog file")
        Path file;

        @Option(names = "--format", description = "jsonl or csv (default: by extension, .csv is CSV)")
        CatalogFile.Format format;

        @Option(names = "--if-empty", description = "load only into an empty table (the launcher's first start); report and do nothing otherwise")
        boolean ifEmpty;

        @Option(names = "--max-reasons", defaultValue = "20", description = "rejected rows listed (default ${DEFAULT-VALUE}); all are counted")
        int maxReasons;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file + " (no such file)");
            }
            Env env = Env.system();
            CdcConfig config = CdcConfig.from(env);
            CatalogTable table = new CatalogTable(Database.of(config.endpoints()).migrate());
            if (ifEmpty) {
                long rows = table.count();
                if (rows > 0) {
                    System.out.printf("product_catalog already holds %d rows; not loading %s (--if-empty)%n", rows, file);
                    return 0;
                }
            }
            CatalogFile.Contents contents = CatalogFile.read(file, format != null ? format : CatalogFile.Format.of(file));
            long started = System.nanoTime();
            CatalogTable.Outcome o = table.write(contents.products(), contents.deletes());
            System.out.printf("loaded %s into product_catalog in %d ms: %d inserted, %d updated, %d unchanged, %d deleted, %d rejected%n",
                    file, (System.nanoTime() - started) / 1_000_000, o.inserted(), o.updated(), o.unchanged(), o.deleted(), contents.rejected().size());
            contents.rejected().stream().limit(maxReasons).forEach(r -> System.out.printf("  rejected line %d: %s%n", r.line(), r.reason()));
            if (contents.rejected().size() > maxReasons) {
                System.out.printf("  ... and %d more rejected rows%n", contents.rejected().size() - maxReasons);
            }
            return contents.rejected().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "preflight", mixinStandardHelpOptions = true,
            description = "Migrates the schema and checks that PostgreSQL can stream changes (wal_level=logical). Exit 3 with what to set if not.")
    static final class Preflight implements Callable<Integer> {
        @Override
        public Integer call() {
            CdcConfig config = CdcConfig.from(Env.system());
            Database db = Database.of(config.endpoints()).migrate();
            CatalogCdc.prepare(db, config);
            System.out.println("PostgreSQL at " + db.url() + " is ready for catalog CDC (wal_level=logical, publication " + config.publication() + ")");
            return 0;
        }
    }

    @Command(name = "drop-slot", mixinStandardHelpOptions = true,
            description = {"Drops the replication slot (NOWCAST_CDC_SLOT) and publication, and deletes the offsets file.",
                    "Do this when retiring CDC: an unread slot keeps PostgreSQL from recycling WAL. The next cdc start snapshots again."})
    static final class DropSlot implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            CdcConfig config = CdcConfig.from(Env.system());
            boolean dropped = CatalogCdc.dropSlot(config);
            Files.deleteIfExists(config.offsets());
            System.out.println(dropped ? "dropped replication slot " + config.slot() + " and publication " + config.publication()
                    : "no replication slot " + config.slot() + " (publication " + config.publication() + " dropped if it existed)");
            return 0;
        }
    }
}
