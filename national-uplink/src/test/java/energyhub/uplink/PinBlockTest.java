package energyhub.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The three vectors of issue 21 (computed from the public clients' sample inputs). */
class PinBlockTest {

    private final PinBlock upper = new PinBlock(true, false);

    @Test
    void vectorsOfTheIssueHold() {
        assertThat(upper.password("DqIaOoP6FW4XKsyr", "9153250179986756", "123456"))
                .isEqualTo("55EF1984DEE67BEAF4A5D96ED4B74377");
        assertThat(upper.password("GP0W8AIF8uuf7Go4", "12345678b0123456", "123456"))
                .isEqualTo("07F2BA74745882335F8D2BA640ADB75B");
        assertThat(upper.password("a10W8AI3duufbGo4", "AB345668b0c34567", "abcdef"))
                .isEqualTo("4A138660FA6407C77595C0A09DEB01B5");
    }

    @Test
    void caseSettings() {
        assertThat(new PinBlock(false, false).password("DqIaOoP6FW4XKsyr", "9153250179986756", "123456"))
                .isEqualTo("55ef1984dee67beaf4a5d96ed4b74377");
        // S1's rule upper-cases the PIN's hex letters: another block than S3's for "abcdef"
        assertThat(new PinBlock(true, true).password("a10W8AI3duufbGo4", "AB345668b0c34567", "abcdef"))
                .isNotEqualTo("4A138660FA6407C77595C0A09DEB01B5").hasSize(32);
        // only the first 16 characters of key and code count
        assertThat(upper.password("DqIaOoP6FW4XKsyrEXTRA", "9153250179986756XY", "123456"))
                .isEqualTo("55EF1984DEE67BEAF4A5D96ED4B74377");
    }

    @Test
    void refusesWhatCannotBeABlock() {
        assertThatThrownBy(() -> upper.password("DqIaOoP6FW4XKsyr", "9153250179986756", "123456789012345"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> upper.password("short", "9153250179986756", "1234"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
