package dev.watertight.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the shop does for each request, the same in both builds; {@link Isolation} decides where
 * the work runs and what guards a call:
 *
 * <ul>
 *   <li>sign-up: {@code user-ops} → insert ({@code write}) → welcome e-mail ({@code email}, best
 *       effort: a failed or refused e-mail does not undo the sign-up) → {@code user-cache} and
 *       a session in {@code session-cache};
 *   <li>user: {@code user-ops} → {@code user-cache}, else select ({@code read});
 *   <li>order: {@code order-ops} → the user must exist → charge ({@code payment}) → insert
 *       ({@code write});
 *   <li>report: {@code reporting} → the slow query ({@code analytics} connections) → publish
 *       ({@code analytics} dependency); the report's description comes from {@code static-cache}.
 * </ul>
 *
 * Each method returns the JSON to answer with; failures are exceptions that {@link HttpErrors}
 * turns into answers. Thread-safe.
 */
final class ShopHandlers {
    /** The report types there are, with their descriptions. */
    static final Map<String, String> REPORTS = Map.of(
            "sales", "orders and revenue so far",
            "users", "users signed up so far");
    /** The largest order: the payment provider's own limit, checked before payment is called. */
    static final BigDecimal MAX_AMOUNT = BigDecimal.valueOf((long) DependencyStub.PAYMENT_LIMIT);
    private static final java.util.Set<String> SIGN_UP_FIELDS = java.util.Set.of("username", "email");
    private static final java.util.Set<String> ORDER_FIELDS = java.util.Set.of("userId", "amount");

    private final ObjectMapper json;
    private final Isolation isolation;
    private final ShopDatabase database;
    private final DependencyClient dependencies;

    ShopHandlers(ObjectMapper json, Isolation isolation, ShopDatabase database, DependencyClient dependencies) {
        this.json = json;
        this.isolation = isolation;
        this.database = database;
        this.dependencies = dependencies;
    }

    ObjectNode signUp(String body) throws Exception {
        RequestBody request = RequestBody.parse(body, SIGN_UP_FIELDS);
        String username = request.text("username", 100);
        String email = request.text("email", 200);
        if (email.indexOf('@') < 1) {
            throw ApiException.badField("email", "\"" + (email.length() > 40 ? email.substring(0, 40) + "..." : email) + "\"",
                    "an e-mail address");
        }
        return isolation.work("user-ops", () -> {
            long id = database.insertUser(username, email);
            ObjectNode user = user(id, username, email);
            isolation.cache("user-cache").put(Long.toString(id), json.writeValueAsString(user));
            String session = UUID.randomUUID().toString();
            isolation.cache("session-cache").put(session, Long.toString(id));
            String welcome;
            try {
                isolation.dependency("email", () -> dependencies.call("email", Map.of("to", email, "template", "welcome")));
                welcome = "sent";
            } catch (InterruptedException interrupted) {
                throw interrupted;
            } catch (Exception notSent) {
                welcome = "not sent: " + notSent.getMessage();
            }
            return user.put("session", session).put("welcomeEmail", welcome);
        });
    }

    ObjectNode user(String idText) throws Exception {
        long id = pathId(idText);
        return isolation.work("user-ops", () -> {
            String cached = isolation.cache("user-cache").get(Long.toString(id));
            if (cached != null) {
                return ((ObjectNode) json.readTree(cached)).put("cached", true);
            }
            ShopDatabase.User user = database.findUser(id)
                    .orElseThrow(() -> ApiException.notFound("no user with id " + id));
            ObjectNode found = user(user.id(), user.username(), user.email());
            isolation.cache("user-cache").put(Long.toString(id), json.writeValueAsString(found));
            return found.put("cached", false);
        });
    }

    ObjectNode order(String body) throws Exception {
        RequestBody request = RequestBody.parse(body, ORDER_FIELDS);
        long userId = request.id("userId");
        BigDecimal amount = request.amount("amount", MAX_AMOUNT);
        return isolation.work("order-ops", () -> {
            if (isolation.cache("user-cache").get(Long.toString(userId)) == null && database.findUser(userId).isEmpty()) {
                throw ApiException.notFound("no user with id " + userId);
            }
            JsonNode receipt = isolation.dependency("payment",
                    () -> dependencies.call("payment", Map.of("userId", userId, "amount", amount)));
            String transaction = receipt.path("id").asText("unknown");
            long id = database.insertOrder(userId, amount, transaction);
            ObjectNode order = json.createObjectNode();
            order.put("id", id).put("userId", userId).put("amount", amount).put("transactionId", transaction)
                    .put("status", "paid");
            return order;
        });
    }

    ObjectNode report(String type) throws Exception {
        if (!REPORTS.containsKey(type)) {
            throw ApiException.notFound("no report type '" + type + "'; there are " + List.copyOf(REPORTS.keySet()));
        }
        return isolation.work("reporting", () -> {
            long started = System.nanoTime();
            ShopDatabase.Report report = database.report();
            JsonNode published = isolation.dependency("analytics",
                    () -> dependencies.call("analytics", Map.of("event", "report", "type", type)));
            String description = isolation.cache("static-cache").get("report:" + type);
            if (description == null) {
                description = REPORTS.get(type);
                isolation.cache("static-cache").put("report:" + type, description);
            }
            ObjectNode answer = json.createObjectNode();
            answer.put("type", type).put("description", description);
            if (type.equals("sales")) {
                answer.put("orders", report.orders()).put("revenue", report.revenue());
            } else {
                answer.put("users", report.users());
            }
            return answer.put("analyticsEvent", published.path("id").asText())
                    .put("tookMs", (System.nanoTime() - started) / 1_000_000);
        });
    }

    private ObjectNode user(long id, String username, String email) {
        return json.createObjectNode().put("id", id).put("username", username).put("email", email);
    }

    private static long pathId(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        throw new ApiException(400, "a user id is a positive whole number, was '" + shown + "'", "id", shown,
                "a positive whole number");
    }
}
