#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dind::report {

struct TestFailure {
  std::string name, message, text;  // text: the failure's body (location, stack)
  std::string log;                  // the log lines around it, when a log was found
};

// An e2e run's result as its JUnit file says (ginkgo's or any other).
struct E2eResult {
  std::string file;  // where it was read from
  int passed = 0, failed = 0, skipped = 0;
  std::vector<TestFailure> failures;
};

// Reads <testcase> elements: a <failure> or <error> child fails it, <skipped>
// (or status="skipped") skips it. Throws dind::Error when there is no
// <testsuite> in the text.
E2eResult parse_junit(std::string_view xml, const std::string& file);

// Fills each failure's log with the lines around the first line of the log
// that carries its message (or its name), context lines either side.
void add_log_context(E2eResult& result, std::string_view log, size_t context);

// XML text with the five entities and numeric references decoded.
std::string xml_unescape(std::string_view text);

} // namespace dind::report
