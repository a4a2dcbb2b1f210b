package io.nowcast.ingest;

import io.nowcast.config.Endpoints;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * start + i / rate whatever happened to earlier ones; it goes out on an idle keep-alive connection when
 * due (or when one frees up) and its latency counts from when it was due, so a slow server shows as
 * queueing delay instead of hiding it (no coordinated omission). Users are drawn
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

    /**
     * One thread drives every connection with non-blocking sockets: it sends each request when it falls
     * due on an idle connection (or as soon as one frees up, the wait counting as latency), and reads
     * answers as they come. A thread per connection cost the machine more CPU than the server it measured.
     */
    private Integer http() throws Exception {
        URI base = URI.create(url);
        String host = base.getHost();
        int port = base.getPort() < 0 ? 80 : base.getPort();
        long period = 1_000_000_000L / rate;
        long total = duration.toNanos() / period;
        long skip = warmup.toNanos() / period;
        long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, total - skip))];
        int counted = 0;
        long errors = 0;
        long non200 = 0;
        Random random = new Random(1);
        java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        java.util.ArrayDeque<Conn> idle = new java.util.ArrayDeque<>();
        for (int c = 0; c < connections; c++) {
            idle.add(new Conn(selector, host, port));
        }
        long start = System.nanoTime() + 100_000_000L;
        long next = 0;
        long done = 0;
        long lastDone = start;
        while (done < total) {
            long now = System.nanoTime();
            while (next < total && start + next * period <= now && !idle.isEmpty()) {
                Conn c = idle.poll();
                String p = path.replace("{user}", Integer.toString(1 + random.nextInt(users)));
                c.send(("GET " + p + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), next, start + next * period);
                next++;
            }
            long wait = next < total && !idle.isEmpty() ? start + next * period - System.nanoTime() : 1_000_000L;
            if (wait >= 1_000_000L) {
                selector.select(wait / 1_000_000L);
            } else if (selector.selectNow() == 0 && wait > 0) {
                // Under a millisecond to the next send: the selector's millisecond timeout would batch sends.
                LockSupport.parkNanos(wait);
            }
            var it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                var key = it.next();
                it.remove();
                Conn c = (Conn) key.attachment();
                int status;
                try {
                    status = c.read();
                } catch (IOException e) {
                    errors++;
                    done++;
                    c.reopen(selector, host, port);
                    idle.add(c);
                    continue;
                }
                if (status == 0) {
                    continue;
                }
                long t = System.nanoTime();
                if (status != 200) {
                    non200++;
                }
                if (c.index >= skip && counted < latencies.length) {
                    latencies[counted++] = t - c.due;
                }
                done++;
                lastDone = t;
                idle.add(c);
            }
        }
        for (Conn c : idle) {
            c.close();
        }
        selector.close();
        long[] all = Arrays.copyOf(latencies, counted);
        Arrays.sort(all);
        int n = all.length;
        // Throughput is what was answered per second from the first counted due time to the last answer:
        // a server that falls behind stretches that span and shows a lower rate than the target.
        double seconds = Math.max(1e-9, (lastDone - (start + skip * period)) / 1e9);
        System.out.printf("load: target %d/s for %s, %d connections: sent %d; counted %d after the warm-up (%.0f/s); errors %d, non-200 %d%n",
                rate, duration, connections, total, n, n / seconds, errors, non200);
        System.out.printf("load: latency from due time: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                pct(all, 50), pct(all, 90), pct(all, 99), pct(all, 99.9), n == 0 ? 0 : all[n - 1] / 1e6);
        System.out.printf("target_rps=%d achieved_rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non200=%d%n",
                rate, n / seconds, pct(all, 50), pct(all, 99), errors, non200);
        return errors == 0 ? 0 : 1;
    }

    /** One keep-alive connection: at most one request in flight; reads one answer with a Content-Length. */
    private static final class Conn {
        private java.nio.channels.SocketChannel channel;
        private java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(64 * 1024);
        long index;
        long due;

        Conn(java.nio.channels.Selector selector, String host, int port) throws IOException {
            open(selector, host, port);
        }

        private void open(java.nio.channels.Selector selector, String host, int port) throws IOException {
            channel = java.nio.channels.SocketChannel.open(new InetSocketAddress(host, port));
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            channel.register(selector, java.nio.channels.SelectionKey.OP_READ, this);
            in.clear();
        }

        void reopen(java.nio.channels.Selector selector, String host, int port) throws IOException {
            close();
            open(selector, host, port);
        }

        void send(byte[] request, long index, long due) throws IOException {
            this.index = index;
            this.due = due;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        /** Reads what arrived; returns the status once a whole answer is in, else 0. */
        int read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("closed by the server");
            }
            int end = headerEnd();
            if (end < 0) {
                if (!in.hasRemaining()) {
                    in = java.nio.ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                return 0;
            }
            String head = new String(in.array(), 0, end, StandardCharsets.US_ASCII);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            int whole = end + 4 + length;
            if (in.position() < whole) {
                if (in.capacity() < whole) {
                    in = java.nio.ByteBuffer.allocate(whole * 2).put(in.flip());
                }
                return 0;
            }
            int status = Integer.parseInt(head.substring(9, 12));
            in.flip();
            in.position(whole);
            in.compact();
            return status;
        }

        private int headerEnd() {
            byte[] a = in.array();
            for (int i = 3; i < in.position(); i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    return i - 3;
                }
            }
            return -1;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
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

}
