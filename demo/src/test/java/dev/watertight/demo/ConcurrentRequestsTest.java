package dev.watertight.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many requests at once, each on a connection of its own, are all served. */
class ConcurrentRequestsTest {

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyConcurrentRequestIsAnswered(Mode mode) {
        try (ShopService shop = ShopService.start(Tests.fast().mode(mode))) {
            Http http = new Http(shop.baseUri());
            long user = Tests.signUp(http, "crowd");
            List<CompletableFuture<Http.Answer>> requests = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                requests.add(http.getAsync("/users/" + user));
                requests.add(http.postAsync("/orders", "{\"userId\":" + user + ",\"amount\":1}"));
            }
            for (CompletableFuture<Http.Answer> request : requests) {
                assertThat(request.join().status()).isIn(200, 201);
            }
        }
    }
}
