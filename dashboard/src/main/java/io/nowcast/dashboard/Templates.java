package io.nowcast.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Thymeleaf over the templates in this jar ({@code templates/*.html}). Everything goes through escaping
 * ({@code th:text}, {@code th:attr}; no {@code th:utext}): chart data is JSON in an attribute, which
 * Thymeleaf escapes like any other value.
 */
final class Templates {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TemplateEngine engine = new TemplateEngine();

    Templates() {
        ClassLoaderTemplateResolver r = new ClassLoaderTemplateResolver(Templates.class.getClassLoader());
        r.setPrefix("templates/");
        r.setSuffix(".html");
        r.setTemplateMode(TemplateMode.HTML);
        r.setCharacterEncoding("UTF-8");
        r.setCacheable(true);
        engine.setTemplateResolver(r);
    }

    String render(String template, Map<String, Object> model) {
        Context c = new Context(java.util.Locale.ROOT);
        c.setVariables(model);
        return engine.process(template, c);
    }

    /** Chart data as JSON, for a {@code th:attr} (escaped there). */
    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
