package dev.casey.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of case openings from a few client threads, recording what the service answered:
 * for fault tests, which compare what was acknowledged with what is found afterwards.
 */
final class Load implements AutoCloseable {

    final AtomicInteger sent = new AtomicInteger();
    final List<String> acknowledged = new CopyOnWriteArrayList<>();
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients = new CopyOnWriteArrayList<>();

    /** {@code clients} threads opening cases for {@code creator}, each with a subject of its own. */
    Load(Api api, String creator, int clientCount) {
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    sent.incrementAndGet();
                    int status;
                    try {
                        Api.Response r = api.openCase("Load", creator, "load " + client + "-" + i, "message " + i);
                        status = r.status();
                        if (status == 201) {
                            acknowledged.add(r.at("/uuid"));
                        }
                    } catch (IllegalStateException refused) {
                        status = -1; // no answer at all (connection refused or reset)
                    }
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    pause();
                }
            }, "load-" + c);
            thread.setDaemon(true);
            thread.start();
            clients.add(thread);
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(40_000);
        }
    }
}
