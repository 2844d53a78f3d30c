package dev.watertight.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The helpers' estimates, as a 64-bit HotSpot JVM with compressed oops and compact strings lays objects out. */
class SizeEstimatorTest {

    @Test
    void aLatin1StringTakesOneBytePerCharacter() {
        assertThat(SizeEstimator.sizeOfString("")).isEqualTo(24 + 16);
        assertThat(SizeEstimator.sizeOfString("a")).isEqualTo(24 + 24);       // 16 + 1, aligned to 24
        assertThat(SizeEstimator.sizeOfString("x".repeat(16))).isEqualTo(56); // 24 + 32
        assertThat(SizeEstimator.sizeOfString("café")).isEqualTo(24 + 24);    // é is Latin-1
    }

    @Test
    void anyOtherStringTakesTwoBytesPerCharacter() {
        assertThat(SizeEstimator.sizeOfString("€€€€")).isEqualTo(24 + 24);     // 16 + 8
        assertThat(SizeEstimator.sizeOfString("a€" + "x".repeat(8))).isEqualTo(24 + 40); // 16 + 20, aligned
    }

    @Test
    void aByteArrayIsItsHeaderAndElementsAligned() {
        assertThat(SizeEstimator.sizeOfByteArray(new byte[0])).isEqualTo(16);
        assertThat(SizeEstimator.sizeOfByteArray(new byte[1])).isEqualTo(24);
        assertThat(SizeEstimator.sizeOfByteArray(new byte[1024])).isEqualTo(1040);
    }

    @Test
    void estimatorsAddTheKeyAndTheValue() {
        assertThat(SizeEstimator.strings().bytes("k", "v")).isEqualTo(48 + 48);
        assertThat(SizeEstimator.stringsToByteArrays().bytes("k", new byte[1024])).isEqualTo(48 + 1040);
        SizeEstimator<Long, byte[]> blobs = SizeEstimator.of(id -> 16, SizeEstimator::sizeOfByteArray);
        assertThat(blobs.bytes(7L, new byte[8])).isEqualTo(16 + 24);
    }

    @Test
    void addingSaturatesInsteadOfOverflowing() {
        SizeEstimator<String, String> huge = SizeEstimator.of(key -> Long.MAX_VALUE, value -> 1);
        assertThat(huge.bytes("k", "v")).isEqualTo(Long.MAX_VALUE);
        SizeEstimator<String, String> negative = SizeEstimator.of(key -> -5, value -> 1);
        assertThat(negative.bytes("k", "v")).as("passed on for the cache to report").isEqualTo(-4);
    }
}
