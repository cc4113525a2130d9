package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DuckDbErrorsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Parser Error: syntax error at or near \"SELEC\"|INVALID_ARGUMENT",
      "Binder Error: Referenced column \"x\" not found|INVALID_ARGUMENT",
      "Conversion Error: Could not convert string 'a' to INT32|INVALID_ARGUMENT",
      "Invalid Input Error: dataset 'trips' is unavailable: no file matches /d/trips/*.parquet|FAILED_PRECONDITION",
      "Invalid Input Error: dataset 'trips' was not found in the note|INVALID_ARGUMENT",
      "Catalog Error: Table with name nope does not exist!|NOT_FOUND",
      "Catalog Error: Table with name t already exists!|ALREADY_EXISTS",
      "Constraint Error: Duplicate key \"id: 1\" violates primary key constraint|FAILED_PRECONDITION",
      "TransactionContext Error: Catalog write-write conflict on alter with \"t\"|ABORTED",
      "TransactionContext Error: cannot rollback - no transaction is active|FAILED_PRECONDITION",
      "TransactionContext Error: Cannot write to database \"memory\" - transaction is launched in read-only mode|PERMISSION_DENIED",
      "Interrupt Error: Interrupted!|CANCELLED",
      "Out of Memory Error: could not allocate block of size 256KB|RESOURCE_EXHAUSTED",
      "Permission Error: File system LocalFileSystem has been disabled by configuration|PERMISSION_DENIED",
      "Permission Error: Cannot access file \"/etc/passwd\" - file system operations are disabled by configuration"
          + "|PERMISSION_DENIED",
      "Invalid Input Error: Cannot change configuration option \"threads\" - the configuration has been locked"
          + "|PERMISSION_DENIED",
      "Invalid Input Error: Could not convert|INVALID_ARGUMENT",
      "Not implemented Error: savepoints|UNIMPLEMENTED",
      "IO Error: No files found that match the pattern \"x.csv\"|NOT_FOUND",
      "IO Error: Could not write file: No space left on device|RESOURCE_EXHAUSTED",
      "INTERNAL Error: Attempted to access index 3|INTERNAL"})
  void classifiesByDuckDbsExceptionClass(String message, ErrorKind kind) {
    assertThat(DuckDbErrors.translate(message, null).kind()).isEqualTo(kind);
    assertThat(DuckDbErrors.translate(message, null).getMessage()).isEqualTo(message);
  }
}
