package dev.watertight.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers — a request it refuses before any route sees it (a bad URI or
 * Content-Length, a missing Host: 400; a URI too long: 414; headers too large: 431; a body too
 * large: 413) — as the shop's: JSON {@code {"error": ..., "status": N}}, with Jetty's reason
 * phrase and never its exception or stack. Thread-safe (no state).
 */
final class JsonErrorPages extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) throws IOException {
        String reason = HttpStatus.getMessage(code);
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("error", reason == null ? "error " + code : reason.toLowerCase(java.util.Locale.ROOT))
                .put("status", code));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public boolean isShowStacks() {
        return false;
    }
}
