package dev.casey.bench.http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only looks into Casey's database: how many events the store holds (seeding stops at a target), and a
 * random sample of case ids to read back. Nothing is ever written here; all events come through the HTTP API.
 */
public final class EventStore {

    private final String url;
    private final String user;
    private final String password;

    public EventStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public long events() {
        return single("SELECT count(*) FROM domainevententry");
    }

    public long cases() {
        return single("SELECT count(*) FROM case_view");
    }

    /** Ids of {@code n} cases picked at random (a one-off sort of the read model, before the measured run). */
    /**
     * Up to n open cases of the store, picked at random, each as {uuid, its creator's address}; only cases opened
     * through the service: grow-store.sh's copies have no rows in the mail gateway's tables, and a message to one
     * fails there.
     */
    public List<String[]> randomOpenCases(int n) {
        List<String[]> cases = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT case_id, creator_email FROM case_view v WHERE status = 'OPEN'"
                     + " AND EXISTS (SELECT 1 FROM mail_case m WHERE m.case_id = v.case_id)"
                     + " ORDER BY random() LIMIT " + n)) {
            while (r.next()) {
                cases.add(new String[] {r.getString(1), r.getString(2)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return cases;
    }

    public List<String> randomCases(int n) {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT case_id FROM case_view ORDER BY random() LIMIT " + n)) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** How many outgoing mails are in each state (QUEUED, SENT, …). */
    public Map<String, Long> outbox() {
        Map<String, Long> states = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT state, count(*) FROM mail_outbox GROUP BY state")) {
            while (r.next()) {
                states.put(r.getString(1), r.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return states;
    }

    private long single(String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
