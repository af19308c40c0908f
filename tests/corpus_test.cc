// The corpus of real-world-shaped logs (tests/corpus/manifest.tsv), run
// through the classifier as `explain --failed` reads them. Each log must get
// its expected class or, where the evidence is too weak, `unknown`: never a
// wrong class and never `ok` for a failed step. Across the corpus, at least
// 95 % must get the exact class.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "log_reader.h"
#include "support/fixtures.h"

namespace cfdeploy {
namespace {

struct CorpusLog {
  std::string file;
  std::string expected_class;  // a failure class, "unknown" or "ok"
  std::string expected_code;   // empty when the log names none
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) {
    fields.push_back(field);
  }
  return fields;
}

std::vector<CorpusLog> read_manifest() {
  std::ifstream in(testing::source_path("tests/corpus/manifest.tsv"));
  std::vector<CorpusLog> logs;
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::vector<std::string> fields = split_tabs(line);
    if (fields.size() >= 2) {
      logs.push_back({fields[0], fields[1], fields.size() > 2 ? fields[2] : ""});
    }
  }
  return logs;
}

const std::vector<CorpusLog>& corpus() {
  static const std::vector<CorpusLog> logs = read_manifest();
  return logs;
}

struct Outcome {
  std::string verdict_class;  // "ok" when the verdict is ok
  std::string code;
};

Outcome explain(const CorpusLog& log) {
  bool failed = log.expected_class != "ok";
  Result<Verdict> verdict =
      classify_log(testing::source_path("tests/corpus/" + log.file), builtin_catalogue(), failed);
  if (!verdict) {
    ADD_FAILURE() << log.file << ": " << verdict.error().message();
    return {};
  }
  const Verdict& v = verdict.value();
  if (v.ok) {
    return {"ok", ""};
  }
  if (!v.primary) {
    return {"unknown", ""};
  }
  return {std::string(to_string(v.primary->entry->failure_class)),
          v.primary->code ? std::to_string(*v.primary->code) : ""};
}

class CorpusLogs : public ::testing::TestWithParam<CorpusLog> {};

TEST_P(CorpusLogs, GetTheirClassOrUnknownButNeverAWrongOne) {
  const CorpusLog& log = GetParam();
  Outcome outcome = explain(log);
  if (log.expected_class == "ok") {
    EXPECT_EQ(outcome.verdict_class, "ok") << log.file;
    return;
  }
  EXPECT_NE(outcome.verdict_class, "ok") << log.file << " failed but was called ok";
  if (outcome.verdict_class != "unknown") {
    EXPECT_EQ(outcome.verdict_class, log.expected_class) << log.file;
  }
}

std::string case_name(const ::testing::TestParamInfo<CorpusLog>& info) {
  std::string name;
  for (char c : info.param.file.substr(info.param.file.rfind('/') + 1)) {
    if (c == '.') {
      break;
    }
    name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Manifest, CorpusLogs, ::testing::ValuesIn(corpus()), case_name);

TEST(Corpus, HoldsAtLeast150Logs) { EXPECT_GE(corpus().size(), 150u); }

TEST(Corpus, AtLeast95PercentGetTheExactClass) {
  size_t exact = 0;
  for (const CorpusLog& log : corpus()) {
    exact += explain(log).verdict_class == log.expected_class ? 1 : 0;
  }
  EXPECT_GE(exact * 100, corpus().size() * 95) << exact << " of " << corpus().size();
}

}  // namespace
}  // namespace cfdeploy
