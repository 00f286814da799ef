package dev.casey.server.http;

import dev.casey.query.IsoInstants;
import dev.casey.server.settings.SettingsService;
import java.util.List;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.type.LogicalType;

/** The HTTP API's filters and its strict reading of JSON. */
@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    static final String API = "/api/casey/v1/*";
    private static final Logger log = LoggerFactory.getLogger(HttpConfiguration.class);

    /** A fresh install answers only on this machine; say so where the operator looks first. */
    @EventListener(ApplicationReadyEvent.class)
    void warnWithoutTokens(ApplicationReadyEvent ready) {
        SettingsService settings = ready.getApplicationContext().getBean(SettingsService.class);
        if (settings.current().apiTokens().isEmpty()) {
            log.warn("No API tokens are configured (apiTokens): only clients on this machine (loopback) are served. "
                    + "Behind a reverse proxy on the same machine that means everyone: configure tokens.");
        }
    }

    /**
     * Tomcat's own error answers as problem+json ({@link ProblemReportValve}) in place of the HTML valve Spring Boot
     * puts on the host: ordered after Spring Boot's customizer, so its valve is there to be replaced.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReports() {
        return new ProblemReports();
    }

    private static final class ProblemReports implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>,
            Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Pipeline host = context.getParent().getPipeline();
                for (Valve valve : host.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.removeValve(valve);
                    }
                }
                if (context.getParent() instanceof StandardHost standardHost) {
                    standardHost.setErrorReportValveClass(ProblemReportValve.class.getName());
                }
                host.addValve(new ProblemReportValve());
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    @Bean
    WebMvcConfigurer acceptHeader() {
        return new WebMvcConfigurer() {
            @Override
            public void configureContentNegotiation(ContentNegotiationConfigurer negotiation) {
                negotiation.strategies(List.of(new AcceptHeader()));
            }
        };
    }

    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(SettingsService settings) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(settings));
        registration.addUrlPatterns(API);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ContentEncodingFilter> contentEncodingFilter() {
        FilterRegistrationBean<ContentEncodingFilter> registration = new FilterRegistrationBean<>(
                new ContentEncodingFilter());
        registration.addUrlPatterns(API);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(SettingsService settings) {
        FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(new RequestSizeFilter(settings));
        registration.addUrlPatterns(API);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /**
     * A string where a number belongs (or the other way round) is a client error to report, not a
     * value to guess at; enums are written in lower case ({@code "open"}) and read in any case; instants are
     * written and read as before, only faster ({@link IsoInstants}); text that PostgreSQL cannot keep is refused
     * ({@link StorableText}).
     */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder
                .addModule(IsoInstants.module())
                .addModule(StorableText.module())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail));
    }
}
