package io.nowcast.ingest;

import io.nowcast.config.Endpoints;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;
import io.nowcast.redis.RedisKeys;

/**
 * {@code ./nowcast load}: an open-loop load generator for the REST API. Request i is due at
 * start + i / rate whatever happened to earlier ones; a worker takes the next due request, waits for its
 * time, sends it on its own keep-alive connection and records the latency from when it was due, so a
 * slow server shows as queueing delay instead of hiding it (no coordinated omission). Users are drawn
 * uniformly from 1..users. With {@code --redis}, it reads the per-user keys straight from Redis instead,
 * closed-loop, as fast as the threads go, and reports GETs per second.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Open-loop HTTP load on the recommendations endpoint (or, with --redis, direct key reads); prints throughput and latency percentiles.")
public final class LoadCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The API's base URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--rate", defaultValue = "1000", description = "Requests per second to send (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "20s", converter = io.nowcast.simulator.DurationConverter.class,
            description = "How long to send (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "3s", converter = io.nowcast.simulator.DurationConverter.class,
            description = "Requests due in this first stretch are sent but not counted (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--connections", defaultValue = "64", description = "Keep-alive connections, one thread each (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--users", defaultValue = "10000", description = "User ids are drawn from 1..users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--path", defaultValue = "/api/v1/users/{user}/recommendations",
            description = "Request path; {user} becomes a random user id (default ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--redis", description = "Read the per-user keys straight from Redis instead (closed loop, --connections threads).")
    boolean redis;

    private final Endpoints endpoints;

    public LoadCommand(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public Integer call() throws Exception {
        return redis ? redisReads() : http();
    }

    private Integer http() throws Exception {
        URI base = URI.create(url);
        String host = base.getHost();
        int port = base.getPort() < 0 ? 80 : base.getPort();
        long period = 1_000_000_000L / rate;
        long total = duration.toNanos() / period;
        long skip = warmup.toNanos() / period;
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong non200 = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        long start = System.nanoTime() + 200_000_000L;
        List<long[]> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int[] counts = new int[connections];
        for (int c = 0; c < connections; c++) {
            long[] mine = new long[(int) Math.min(Integer.MAX_VALUE - 8, total / connections * 3 + 1024)];
            samples.add(mine);
            int id = c;
            Thread t = new Thread(() -> {
                Random random = new Random(id * 7919L + 1);
                Connection conn = null;
                while (true) {
                    long i = next.getAndIncrement();
                    if (i >= total) {
                        break;
                    }
                    long due = start + i * period;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    String p = path.replace("{user}", Integer.toString(1 + random.nextInt(users)));
                    try {
                        if (conn == null) {
                            conn = new Connection(host, port);
                        }
                        int status = conn.get(p, host);
                        if (status != 200) {
                            non200.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        if (conn != null) {
                            conn.close();
                        }
                        conn = null;
                        continue;
                    }
                    long now = System.nanoTime();
                    if (i >= skip && counts[id] < mine.length) {
                        mine[counts[id]++] = now - due;
                    }
                    lastDone.accumulateAndGet(now, Math::max);
                }
                if (conn != null) {
                    conn.close();
                }
            }, "load-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int n = 0;
        for (int c = 0; c < connections; c++) {
            n += counts[c];
        }
        long[] all = new long[n];
        int k = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(samples.get(c), 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        // Throughput is what was answered per second from the first counted due time to the last answer:
        // a server that falls behind stretches that span and shows a lower rate than the target.
        double counted = Math.max(1e-9, (lastDone.get() - (start + skip * period)) / 1e9);
        System.out.printf("load: target %d/s for %s, %d connections: sent %d in %.1f s; counted %d after the warm-up (%.0f/s); errors %d, non-200 %d%n",
                rate, duration, connections, total, seconds, n, n / counted, errors.get(), non200.get());
        System.out.printf("load: latency from due time: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                pct(all, 50), pct(all, 90), pct(all, 99), pct(all, 99.9), n == 0 ? 0 : all[n - 1] / 1e6);
        System.out.printf("target_rps=%d achieved_rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non200=%d%n",
                rate, n / counted, pct(all, 50), pct(all, 99), errors.get(), non200.get());
        return errors.get() == 0 ? 0 : 1;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private Integer redisReads() throws Exception {
        RedisKeys keys = new RedisKeys(endpoints.redisPrefix());
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long countFrom = System.nanoTime() + warmup.toNanos();
        AtomicLong counted = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        try (RedisClient client = RedisClient.builder().hostAndPort(endpoints.redisHost(), endpoints.redisPort())
                .poolConfig(pool(connections)).build()) {
            for (int c = 0; c < connections; c++) {
                int id = c;
                Thread t = new Thread(() -> {
                    Random random = new Random(id);
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        client.get(keys.recommendations(1 + random.nextInt(users)));
                        done.incrementAndGet();
                        if (now >= countFrom) {
                            counted.incrementAndGet();
                        }
                    }
                }, "redis-load-" + c);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        double seconds = (duration.toNanos() - warmup.toNanos()) / 1e9;
        System.out.printf("load: direct Redis GET of the per-user key, %d threads (Jedis, pooled): %.0f GET/s%n", connections, counted.get() / seconds);
        System.out.printf("redis_get_per_s=%.0f%n", counted.get() / seconds);
        return 0;
    }

    private static redis.clients.jedis.ConnectionPoolConfig pool(int n) {
        redis.clients.jedis.ConnectionPoolConfig p = new redis.clients.jedis.ConnectionPoolConfig();
        p.setMaxTotal(n);
        p.setMaxIdle(n);
        return p;
    }

    /** One HTTP/1.1 keep-alive connection that sends GETs and reads whole answers. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        int get(String path, String host) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP answer: " + status);
            }
            int length = -1;
            boolean chunked = false;
            String h;
            while ((h = line()) != null && !h.isEmpty()) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                int size;
                while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                    skip(size);
                    line();
                }
                line();
            } else if (length > 0) {
                skip(length);
            }
            return Integer.parseInt(status.substring(9, 12));
        }

        private void skip(int n) throws IOException {
            while (n > 0) {
                int r = in.read(buffer, 0, Math.min(n, buffer.length));
                if (r < 0) {
                    throw new IOException("connection closed mid-body");
                }
                n -= r;
            }
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int len = b.length();
                    return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
                }
                b.append((char) c);
            }
            return b.length() == 0 ? null : b.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
