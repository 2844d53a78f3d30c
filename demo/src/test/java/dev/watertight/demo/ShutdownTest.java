package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Requests in flight while the service shuts down are answered, 200 or 503; none hangs. */
class ShutdownTest {

    @ParameterizedTest
    @EnumSource(Mode.class)
    void requestsDuringShutdownCompleteOrGet503(Mode mode) throws Exception {
        ShopService shop = ShopService.start(Tests.fast().mode(mode).reportDelay(Duration.ofMillis(700)));
        Http http = new Http(shop.baseUri());
        long user = Tests.signUp(http, "shopper");
        List<CompletableFuture<Http.Answer>> before = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            before.add(http.getAsync("/reports/sales"));
            before.add(http.postAsync("/orders", "{\"userId\":" + user + ",\"amount\":3}"));
            before.add(http.getAsync("/users/" + user));
        }
        // Every request is in the server (or already answered) before shutdown begins.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                before.stream().filter(CompletableFuture::isDone).count() + shop.requestsInFlight() == before.size());
        assertThat(shop.requestsInFlight()).as("reports still running").isPositive();

        List<CompletableFuture<Http.Answer>> running = before.stream().filter(request -> !request.isDone()).toList();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(shop::close);
        await().atMost(Duration.ofSeconds(5)).until(shop::closing);
        List<CompletableFuture<Http.Answer>> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add(http.getAsync("/users/" + user));
            during.add(http.getAsync("/reports/users"));
        }

        closing.get(40, TimeUnit.SECONDS);
        for (CompletableFuture<Http.Answer> request : before) {
            Http.Answer answer = request.get(Http.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.status()).as("%s", answer).isIn(200, 201, 503);
            if (answer.status() == 503) {
                assertThat(answer.retryAfter()).isPresent();
                assertThat(answer.json().path("compartment").asText()).isNotBlank();
            }
        }
        // Of the requests still running when shutdown began, the admitted ones were let finish.
        long finished = running.stream().map(CompletableFuture::join).filter(answer -> answer.status() < 300).count();
        assertThat(finished).as("requests running at shutdown that finished with a success").isPositive();
        // The server has closed: every request sent during shutdown is answered or refused by now.
        // Waiting much less than the client's own timeout, so that a hang cannot pass as a refusal.
        for (CompletableFuture<Http.Answer> request : during) {
            try {
                Http.Answer answer = request.get(5, TimeUnit.SECONDS);
                assertThat(answer.status()).as("%s", answer).isIn(200, 503);
            } catch (java.util.concurrent.ExecutionException refused) {
                // Sent after the server had stopped listening: refused at once, which is no hang.
                assertThat(refused.getCause()).isInstanceOfAny(ConnectException.class, IOException.class,
                        CompletionException.class).isNotInstanceOf(HttpTimeoutException.class);
            }
        }
    }
}
