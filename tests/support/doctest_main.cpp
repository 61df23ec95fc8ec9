// doctest's main, which also fails a run whose --test-case filter matched no test case: ctest runs
// each test case by its name, and a name CMake could not pass whole (a ';' splits it) would
// otherwise run nothing and pass.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string_view>

namespace {

unsigned matched = 0;  // test cases that passed the filters in the last run

// Listens for the end of the run, to count what the filters let through; reports nothing.
struct match_counter : doctest::IReporter {
  explicit match_counter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    matched = stats.numTestCasesPassingFilters;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

REGISTER_LISTENER("match_counter", 1, match_counter);

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg.starts_with("--test-case=") || arg.starts_with("-tc=")) && matched == 0) {
      std::fprintf(stderr, "no test case matches %s\n", argv[i]);
      return 1;
    }
  }
  return result;
}
