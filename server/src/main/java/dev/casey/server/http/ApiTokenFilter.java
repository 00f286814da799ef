package dev.casey.server.http;

import dev.casey.api.common.Actor;
import dev.casey.api.settings.ApiToken;
import dev.casey.server.settings.SettingsService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Bearer-token authentication of the API. Tokens and their scopes come from the {@code apiTokens}
 * setting, so they can be changed at runtime. With no tokens configured at all only loopback
 * clients are served, so that a fresh install is not open to the network.
 */
class ApiTokenFilter extends OncePerRequestFilter {

    static final String ADMIN_PATH = "/api/casey/v1/config";
    static final String MAIL_PATH = "/api/casey/v1/mail/";
    static final String MAINTENANCE_PATH = "/api/casey/v1/admin/";

    private static final UrlPathHelper ROUTING = new UrlPathHelper();

    static {
        ROUTING.setUrlDecode(true);
        ROUTING.setRemoveSemicolonContent(true);
    }

    private final SettingsService settings;

    ApiTokenFilter(SettingsService settings) {
        this.settings = settings;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<ApiToken> tokens = settings.current().apiTokens();
        if (tokens.isEmpty()) {
            if (!isLoopback(request.getRemoteAddr())) {
                Problems.write(request, response, Problems.problem(HttpStatus.FORBIDDEN, "NO_TOKENS_CONFIGURED",
                        "no API tokens are configured: only clients on this machine are served", null));
                return;
            }
            RequestActor.set(request, Actor.apiClient("local"));
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiToken> token = presented(request).flatMap(value -> match(tokens, value));
        if (token.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"casey\"");
            Problems.write(request, response, Problems.problem(HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED",
                    "a valid token is required: Authorization: Bearer <token>", null));
            return;
        }
        String scope = requiredScope(routedPath(request));
        if (!token.get().allows(scope) && !token.get().allows(ApiToken.SCOPE_ADMIN)) {
            Problems.write(request, response, Problems.problem(HttpStatus.FORBIDDEN, "FORBIDDEN",
                    "this token lacks the scope " + scope, null));
            return;
        }
        RequestActor.set(request, Actor.apiClient(token.get().name()));
        chain.doFilter(request, response);
    }

    /**
     * The path as the application routes it: decoded, without {@code ;} parameters, dot segments or doubled slashes.
     * The request URI as sent would let {@code /config;x} or {@code /%63onfig} reach the configuration with the scope
     * of cases. Lower case, so that no spelling of a path needs less than the path routed.
     */
    static String routedPath(HttpServletRequest request) {
        String path = ROUTING.getPathWithinApplication(request);
        String cleaned = StringUtils.cleanPath(path.replaceAll("/{2,}", "/"));
        return cleaned.toLowerCase(Locale.ROOT);
    }

    /** Configuration and maintenance need admin; the mail relay and inbound mail need mail (or admin); the rest cases. */
    static String requiredScope(String path) {
        if (path.equals(ADMIN_PATH) || path.startsWith(ADMIN_PATH + "/") || path.startsWith(MAINTENANCE_PATH)) {
            return ApiToken.SCOPE_ADMIN;
        }
        if (path.startsWith(MAIL_PATH)) {
            return ApiToken.SCOPE_MAIL;
        }
        return ApiToken.SCOPE_CASES;
    }

    private static Optional<String> presented(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim());
    }

    /** Compares every token in constant time, so that timing does not reveal how much of one matched. */
    private static Optional<ApiToken> match(List<ApiToken> tokens, String presented) {
        ApiToken found = null;
        for (ApiToken token : tokens) {
            if (token.matches(presented)) {
                found = token;
            }
        }
        return Optional.ofNullable(found);
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
