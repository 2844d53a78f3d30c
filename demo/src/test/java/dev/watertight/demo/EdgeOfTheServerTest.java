package dev.watertight.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error is JSON, the HTTP server's own included; HEAD is refused; the admin endpoints check
 * Host, Content-Type and the token (issue 18, items 2 and 3). Raw requests over a socket to the
 * real server, so nothing is tidied on the way.
 */
class EdgeOfTheServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ShopService shop;
    private static ShopService guarded;

    @BeforeAll
    static void start() {
        shop = ShopService.start(Tests.fast());
        guarded = ShopService.start(Tests.fast().adminToken("s3cret"));
    }

    @AfterAll
    static void stop() {
        shop.close();
        guarded.close();
    }

    /** A raw answer: status line's code, the head and the body. */
    record Raw(int status, String head, String body) {
        JsonNode json() {
            assertThat(head.toLowerCase(java.util.Locale.ROOT)).as(head + body).contains("content-type: application/json");
            try {
                return JSON.readTree(body);
            } catch (IOException notJson) {
                throw new AssertionError("not JSON: " + body, notJson);
            }
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith(name.toLowerCase(java.util.Locale.ROOT) + ":")) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return null;
        }
    }

    static Raw raw(ShopService to, String request) throws IOException {
        URI base = to.baseUri();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), US_ASCII);
            int split = all.indexOf("\r\n\r\n");
            String head = split < 0 ? all : all.substring(0, split);
            String body = split < 0 ? "" : all.substring(split + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Raw(Integer.parseInt(head.split(" ", 3)[1]), head, body);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int end = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, end).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, end + 2, end + 2 + size);
            at = end + 2 + size + 2;
        }
        return out.toString();
    }

    private static String get(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("", headers) + "Connection: close\r\n\r\n";
    }

    private static Raw assertJsonError(Raw answer, int status) {
        assertThat(answer.status()).as(answer.head() + "\n" + answer.body()).isEqualTo(status);
        assertThat(answer.json().path("error").asText()).isNotBlank();
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("org.eclipse").doesNotContain("<html");
        return answer;
    }

    @Test
    void theServersOwnRefusalsAreJson() throws IOException {
        assertJsonError(raw(shop, get("/users/%00")), 400);
        assertJsonError(raw(shop, get("/reports/..;/admin/stubs")), 400);
        assertJsonError(raw(shop, get("/users/" + "x".repeat(20_000))), 414);
        assertJsonError(raw(shop, get("/users/1", "X-Big: " + "y".repeat(16 * 1024) + "\r\n")), 431);
        assertJsonError(raw(shop, "GET /users/1 HTTP/1.1\r\nConnection: close\r\n\r\n"), 400);
        assertJsonError(raw(shop, "POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}"), 400);
        String big = "x".repeat(100_000);
        assertJsonError(raw(shop, "POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + big.length() + "\r\nConnection: close\r\n\r\n" + big), 413);
    }

    @Test
    void aWrongMethodIs405WithAllowAndHeadIsRefused() throws IOException {
        Raw delete = assertJsonError(raw(shop, "DELETE /users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 405);
        assertThat(delete.header("Allow")).isEqualTo("GET");
        Raw getOrders = assertJsonError(raw(shop, get("/orders")), 405);
        assertThat(getOrders.header("Allow")).isEqualTo("POST");
        Raw head = raw(shop, "HEAD /users/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(head.status()).as(head.head()).isEqualTo(405);
        assertThat(head.header("Allow")).isEqualTo("GET");
        assertJsonError(raw(shop, get("/no/such/thing")), 404);
    }

    @Test
    void adminEndpointsCheckHostAndContentType() throws IOException {
        String body = "{\"latencyMs\":1}";
        assertJsonError(raw(shop, "POST /admin/stubs/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body), 415);
        assertJsonError(raw(shop, "POST /admin/stubs/email HTTP/1.1\r\nHost: evil.example:8080\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body), 403);
        assertJsonError(raw(shop, "GET /metrics HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n"), 403);
        assertThat(raw(shop, "GET /metrics HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
        assertThat(raw(shop, "POST /admin/stubs/email HTTP/1.1\r\nHost: [::1]:9\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body).status()).isEqualTo(200);
    }

    @Test
    void withATokenTheAdminEndpointsNeedIt() throws IOException {
        Raw none = assertJsonError(raw(guarded, get("/admin/stubs")), 401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertJsonError(raw(guarded, get("/admin/stubs", "Authorization: Bearer wrong\r\n")), 401);
        assertThat(raw(guarded, get("/admin/stubs", "Authorization: Bearer s3cret\r\n")).status()).isEqualTo(200);
        assertThat(raw(guarded, get("/users/abc")).status()).as("the shop itself needs no token").isEqualTo(400);
    }
}
