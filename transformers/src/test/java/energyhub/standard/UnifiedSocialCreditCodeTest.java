package energyhub.standard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnifiedSocialCreditCodeTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "91530100MA6NX4QW2G", // contracts.md §1 example (computed: valid)
            "91530100MA6L2GA70M", // contracts.md §4.2 gas supplier (computed: valid)
            "91350100M000100Y43",
            "91110000600037341L",
            "911100001000044477",
            "000000000000000000", // sum 0 -> 31 - 0 = 31 -> check '0'
            "12530000MB0000001Y", // fixtures built with checkCharacter, see below
            "91440300MA5FAKE01G"})
    void acceptsValidCodes(String code) {
        assertThat(UnifiedSocialCreditCode.isValid(code)).isTrue();
        assertThat(UnifiedSocialCreditCode.problem(code)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "91530000XXXXXXXX1X,  BAD_CHECK_DIGIT", // energy-data-standard.md §1 placeholder: check would be W
            "91530100MA6NX4QW2H,  BAD_CHECK_DIGIT",
            "91350100M000100Y44,  BAD_CHECK_DIGIT",
            "91440300MA5DC1LB5K,  BAD_CHECK_DIGIT",
            "91530100MA6NX4QW2,   BAD_LENGTH",
            "91530100MA6NX4QW2GG, BAD_LENGTH",
            "91530100MA6NI4QW2G,  BAD_CHARSET", // letter I
            "91530100MA6NO4QW2G,  BAD_CHARSET", // letter O
            "91530100MA6NZ4QW2G,  BAD_CHARSET",
            "91530100MA6NS4QW2G,  BAD_CHARSET",
            "91530100MA6NV4QW2G,  BAD_CHARSET",
            "91530100ma6nx4qw2g,  BAD_CHARSET", // lower case is not silently upper-cased
            "91530100MA6NX4QW2０,  BAD_CHARSET"}) // full-width zero
    void rejectsInvalidCodes(String code, String reason) {
        assertThat(UnifiedSocialCreditCode.isValid(code)).isFalse();
        assertThat(UnifiedSocialCreditCode.error("enterpriseCode", code))
                .hasValueSatisfying(e -> {
                    assertThat(e.code()).isEqualTo(reason);
                    assertThat(e.field()).isEqualTo("enterpriseCode");
                });
        assertThat(UnifiedSocialCreditCode.problem(code)).hasValueSatisfying(m -> assertThat(m).contains(code));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsAbsentCodes(String code) {
        assertThat(UnifiedSocialCreditCode.isValid(code)).isFalse();
        assertThat(UnifiedSocialCreditCode.error("enterpriseCode", code).map(RecordError::code)).hasValue("MISSING");
    }

    @Test
    void problemNamesTheExpectedCheckCharacter() {
        assertThat(UnifiedSocialCreditCode.problem("91530100MA6NX4QW2H")).hasValue(
                "enterpriseCode \"91530100MA6NX4QW2H\" has check character H but GB 32100 gives G");
        assertThat(UnifiedSocialCreditCode.problem("91530100MA6NI4QW2G")).hasValueSatisfying(m ->
                assertThat(m).contains("\"I\" at position 13"));
    }

    @ParameterizedTest
    @CsvSource({
            "91530100MA6NX4QW2, G",
            "91350100M000100Y4, 3",
            "00000000000000000, 0",
            "12530000MB0000001, Y",
            "91440300MA5FAKE01, G"})
    void computesCheckCharacter(String first17, char expected) {
        assertThat(UnifiedSocialCreditCode.checkCharacter(first17)).isEqualTo(expected);
    }

    @Test
    void checkCharacterRejectsBadInput() {
        assertThatThrownBy(() -> UnifiedSocialCreditCode.checkCharacter("9153")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnifiedSocialCreditCode.checkCharacter("91530100MA6NI4QW2"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
