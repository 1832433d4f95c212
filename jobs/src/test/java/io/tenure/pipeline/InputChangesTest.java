package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.TableKind;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The first day from which a daily run's inputs can differ from the previous run's. */
class InputChangesTest {
  private static final LocalDate PREVIOUS = LocalDate.of(2024, 12, 30);
  private static final Set<TableKind> TX_AND_CANCELLATIONS =
      Set.of(TableKind.TRANSACTIONS, TableKind.CANCELLATIONS);

  @Test
  void theEarliestEventReadAnewOrTheDayAfterThePreviousAsOfDate() {
    InputChanges changes =
        new InputChanges(
            PREVIOUS,
            Map.of(
                TableKind.TRANSACTIONS, Instant.parse("2024-12-28T10:00:00Z"),
                TableKind.CANCELLATIONS, Instant.parse("2024-11-15T23:30:00Z"),
                TableKind.INTERACTIONS, Instant.MAX));
    assertThat(changes.firstChangedDay(TX_AND_CANCELLATIONS, ZoneOffset.UTC))
        .contains(LocalDate.of(2024, 11, 15));
    // The day is the business zone's: 23:30 UTC is already the 16th in Berlin.
    assertThat(changes.firstChangedDay(TX_AND_CANCELLATIONS, ZoneId.of("Europe/Berlin")))
        .contains(LocalDate.of(2024, 11, 16));
    assertThat(changes.firstChangedDay(Set.of(TableKind.TRANSACTIONS), ZoneOffset.UTC))
        .contains(LocalDate.of(2024, 12, 28));
    // Nothing read anew (or an input the run does not have): the rows after the previous as-of
    // date are still new to this run.
    assertThat(changes.firstChangedDay(Set.of(TableKind.INTERACTIONS), ZoneOffset.UTC))
        .contains(PREVIOUS.plusDays(1));
    assertThat(changes.firstChangedDay(Set.of(TableKind.CUSTOMERS), ZoneOffset.UTC))
        .contains(PREVIOUS.plusDays(1));
  }

  @Test
  void anInputReadWholeOrWithdrawnMeansAnyRowMayHaveChanged() {
    InputChanges changes =
        new InputChanges(
            PREVIOUS,
            Map.of(
                TableKind.TRANSACTIONS,
                Instant.parse("2024-12-28T10:00:00Z"),
                TableKind.CUSTOMERS,
                Instant.MIN));
    assertThat(changes.firstChangedDay(Set.of(TableKind.TRANSACTIONS), ZoneOffset.UTC)).isPresent();
    assertThat(
            changes.firstChangedDay(
                Set.of(TableKind.TRANSACTIONS, TableKind.CUSTOMERS), ZoneOffset.UTC))
        .isEmpty();
  }
}
