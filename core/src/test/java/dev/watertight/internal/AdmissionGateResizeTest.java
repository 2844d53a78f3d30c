package dev.watertight.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The gate's run slots and bounds across {@link AdmissionGate#resize}: lowering takes nothing
 * back, and nothing is admitted or started again until the counts are below the new bounds.
 */
class AdmissionGateResizeTest {

    @Test
    void noTaskStartsWhileAsManyAsTheLoweredRunLimitRun() {
        AdmissionGate gate = new AdmissionGate(5, 3);
        for (int i = 0; i < 5; i++) {
            assertThat(gate.tryAdmit()).isEqualTo(i + 1);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(gate.tryStart()).isTrue();
        }

        gate.resize(3, 1);

        assertThat(gate.running()).as("nothing is taken back").isEqualTo(3);
        assertThat(gate.tryAdmit()).isEqualTo(AdmissionGate.FULL);
        gate.finish();
        assertThat(gate.tryStart()).as("two still run, the limit is one").isFalse();
        gate.finish();
        assertThat(gate.tryStart()).as("one still runs").isFalse();
        gate.finish();
        assertThat(gate.tryStart()).isTrue();
        assertThat(gate.tryStart()).isFalse();
        assertThat(gate.occupancy()).isEqualTo(2);
        assertThat(gate.tryAdmit()).as("two inside, bound three").isEqualTo(3);
        assertThat(gate.tryAdmit()).isEqualTo(AdmissionGate.FULL);
    }

    @Test
    void raisingTheBoundsAdmitsAndStartsAtOnce() {
        AdmissionGate gate = new AdmissionGate(1, 1);
        assertThat(gate.tryAdmit()).isEqualTo(1);
        assertThat(gate.tryStart()).isTrue();
        assertThat(gate.tryAdmit()).isEqualTo(AdmissionGate.FULL);

        gate.resize(2, 2);

        assertThat(gate.tryAdmit()).isEqualTo(2);
        assertThat(gate.tryStart()).isTrue();
        assertThat(gate.running()).isEqualTo(2);
    }

    @Test
    void aSlotGivenBackAloneLeavesTheTaskCountAndResizingKeepsTheClosedBit() {
        AdmissionGate gate = new AdmissionGate(2, 2);
        gate.tryAdmit();
        gate.tryStart();
        gate.leave(); // the task was cancelled while its worker took a slot for it
        gate.releaseSlot();
        assertThat(gate.running()).isZero();
        assertThat(gate.occupancy()).isZero();

        gate.close();
        for (int i = 0; i < 10_000; i++) { // wraps the generation
            gate.resize(2 + i % 3, 1 + i % 2);
        }
        assertThat(gate.isClosedAndEmpty()).isTrue();
        assertThat(gate.tryAdmit()).isEqualTo(AdmissionGate.CLOSED);
    }

    @Test
    void anOutOfRangeBoundOrRunLimitIsNamedWithItsValueAndTheRange() {
        AdmissionGate gate = new AdmissionGate(2, 2);

        assertThatThrownBy(() -> gate.resize(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bound must be between 1 and " + Integer.MAX_VALUE + ", was 0");
        assertThatThrownBy(() -> gate.resize(1L + Integer.MAX_VALUE, 1))
                .hasMessage("bound must be between 1 and " + Integer.MAX_VALUE + ", was " + (1L + Integer.MAX_VALUE));
        assertThatThrownBy(() -> new AdmissionGate(1, 0))
                .hasMessage("runLimit must be between 1 and " + AdmissionGate.MAX_RUN_LIMIT + ", was 0");
        assertThatThrownBy(() -> gate.resize(1, AdmissionGate.MAX_RUN_LIMIT + 1))
                .hasMessage("runLimit must be between 1 and " + AdmissionGate.MAX_RUN_LIMIT + ", was "
                        + (AdmissionGate.MAX_RUN_LIMIT + 1));
        assertThat(gate.tryAdmit()).as("a refused resize changes nothing").isEqualTo(1);
        assertThat(gate.tryAdmit()).isEqualTo(2);
        assertThat(gate.tryAdmit()).isEqualTo(AdmissionGate.FULL);
    }
}
