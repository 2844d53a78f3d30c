package dev.watertight.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script and its SHA-1, by which Redis caches it. Scripts are sent by digest
 * ({@code EVALSHA}); after a Redis restart empties the cache, the body is sent once more.
 *
 * @param name a short name for messages
 * @param body the Lua source
 * @param sha1 its digest in hex
 */
record Script(String name, String body, String sha1) {

    static Script of(String name, String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
            return new Script(name, body, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
