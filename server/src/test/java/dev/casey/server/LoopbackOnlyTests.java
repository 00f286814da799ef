package dev.casey.server;

import static dev.casey.server.CaseyServiceTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With no API tokens configured, only clients on the same machine are served. */
class LoopbackOnlyTests extends ServiceTest {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("casey.data-dir", () -> newDataDir("loopback").toString());
        // there Spring Boot trusts X-Forwarded-For from private addresses unless told not to
        registry.add("spring.main.cloud-platform", () -> "kubernetes");
    }

    @LocalServerPort
    int port;

    @Test
    void aClientOnAnotherAddressIsRefused() throws Exception {
        assertThat(new Api(port).get("/cases").status()).isEqualTo(200);
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .filter(i -> !isLoopback(i))
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback address to call from");
        assertRefused(external.get(), null);
        // from a private address, which Spring Boot on Kubernetes would take for a proxy and believe
        Optional<InetAddress> inCluster = NetworkInterface.networkInterfaces()
                .filter(i -> !isLoopback(i))
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a.isSiteLocalAddress() || (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc))
                .findFirst();
        Assumptions.assumeTrue(inCluster.isPresent(), "this machine has no private address to call from");
        assertRefused(inCluster.get(), "127.0.0.1");
    }

    private void assertRefused(InetAddress from, String forwardedFor) throws Exception {
        String host = from instanceof Inet6Address ? "[" + from.getHostAddress().replaceAll("%.*", "") + "]"
                : from.getHostAddress();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                "http://" + host + ":" + port + "/api/casey/v1/cases"));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(new Api.Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                null, response.body()), 403, "NO_TOKENS_CONFIGURED", null);
    }

    private static boolean isLoopback(NetworkInterface networkInterface) {
        try {
            return networkInterface.isLoopback() || !networkInterface.isUp();
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
