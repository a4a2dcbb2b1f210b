package io.nowcast.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulesJsonTest {
    @Test
    void roundTripsAndWritesInAStableOrder() {
        MerchandisingRules rules = new MerchandisingRules(3, Map.of("p2", 2, "p1", 1), Set.of("b", "a"), Set.of("toys"));
        String json = RulesJson.write(rules);
        assertEquals("{\"version\":3,\"pins\":{\"p1\":1,\"p2\":2},\"blocked_products\":[\"a\",\"b\"],\"blocked_categories\":[\"toys\"]}", json);
        assertEquals(rules, RulesJson.read(json));
    }

    @Test
    void noValueMeansNoRulesAndAGarbledOneIsAnError() {
        assertEquals(MerchandisingRules.NONE, RulesJson.read(null));
        assertThrows(IllegalArgumentException.class, () -> RulesJson.read("{"));
    }
}
