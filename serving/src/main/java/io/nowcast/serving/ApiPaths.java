package io.nowcast.serving;

/** Every route of the REST API, in one place; the OpenAPI file ({@code openapi.yaml}) and README list the same. */
public final class ApiPaths {
    public static final String RECOMMENDATIONS = "/api/v1/users/{userId}/recommendations";
    public static final String TRENDING = "/api/v1/trending";
    public static final String BOUGHT_TOGETHER = "/api/v1/products/{productId}/bought-together";
    public static final String EVENTS = "/api/v1/events";
    public static final String RULES = "/api/v1/rules";
    /** {@code <target>} may hold slashes: categories do ({@code home/kitchen}). */
    public static final String RULE = "/api/v1/rules/{kind}/<target>";
    public static final String HEALTH = "/health";
    public static final String METRICS = "/metrics";
    public static final String OPENAPI = "/openapi.yaml";

    private ApiPaths() {}

    public static String recommendations(long userId) {
        return RECOMMENDATIONS.replace("{userId}", Long.toString(userId));
    }

    public static String rule(String kind, String target) {
        return RULE.replace("{kind}", kind).replace("<target>", target);
    }

    public static String boughtTogether(String productId) {
        return BOUGHT_TOGETHER.replace("{productId}", java.net.URLEncoder.encode(productId, java.nio.charset.StandardCharsets.UTF_8));
    }
}
