package io.nowcast.speed;

import io.nowcast.activity.RecommendationRefresher;
import io.nowcast.config.Env;

/**
 * The refresher of per-user keys as a process of its own, for a job started with
 * NOWCAST_SPEED_REFRESHER=off. {@code ./nowcast up} runs it so, at a lower priority than the job: on a
 * machine short of CPU, re-merges then wait instead of the flushes that keep trending fresh. It needs
 * Redis (the queue, the inputs and the keys) and, to yield while ingest is behind, Kafka's end offsets
 * (without them it merges as if ingest kept up). It may be stopped and started at any time: a new one
 * takes back what the last one was merging.
 */
public final class RefresherMain {
    private RefresherMain() {}

    public static void main(String[] args) throws InterruptedException {
        SpeedConfig config;
        try {
            config = SpeedConfig.fromEnv();
        } catch (Env.ConfigException e) {
            System.err.println("refresher: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        RecommendationRefresher.start(config);
        // ./nowcast waits for this line before it reports the refresher as running.
        System.out.println("nowcast: refresher started (Redis " + config.redisHost() + ":" + config.redisPort()
                + ", prefix '" + config.redisPrefix() + "')");
        System.out.flush();
        Thread.currentThread().join();
    }
}
