package io.nowcast.ingest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes record values as JSON lines to a file, for replay with {@code ./nowcast produce} later. */
public final class FileSink implements RecordSink {
    private final Path path;
    private final BufferedWriter out;
    private long written;

    public FileSink(Path path) {
        this.path = path;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(path);
        } catch (IOException e) {
            throw new UncheckedIOException("opening " + path + " for writing", e);
        }
    }

    @Override
    public void send(String key, String value) {
        if (value == null) {
            return;
        }
        try {
            out.write(value);
            out.write('\n');
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    @Override
    public long acknowledged() {
        return written;
    }

    @Override
    public long failed() {
        return 0;
    }

    @Override
    public String firstError() {
        return null;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path, e);
        }
    }
}
