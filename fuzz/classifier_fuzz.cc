// Arbitrary bytes through LineSplitter into one Classifier, cut into chunks and spread over
// stdout and stderr the way a child's two pipes arrive. Besides crashes and sanitizer
// reports, the Verdict must keep the classifier's documented bounds.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "catalogue.h"
#include "classifier.h"
#include "fuzz_support.h"
#include "line_splitter.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

void check_finding(const Finding& finding, size_t lines) {
  check(finding.entry != nullptr, "a finding has a catalogue entry");
  check(finding.line >= 1 && finding.line <= lines, "a finding's line was fed");
  check(finding.codes.size() <= 16, "codes are capped");
  check(finding.codes.empty() ? !finding.code : finding.code == finding.codes.front(),
        "code is the first of codes");
  check(finding.evidence.find('\x1b') == std::string::npos, "evidence has no ANSI escape");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Rng rng(input);
  // Mostly the real cap; sometimes a small one so cut lines reach the classifier too.
  size_t max_line = rng.next() % 4 == 0 ? 1 + rng.next() % 200 : LineSplitter::k_default_max_line;
  Classifier classifier(builtin_catalogue());
  size_t lines = 0;
  auto feeder = [&](Stream stream) {
    return [&, stream](std::string_view line) {
      ++lines;
      classifier.feed_line(line, stream);
    };
  };
  LineSplitter splitters[2] = {LineSplitter(feeder(Stream::out), max_line),
                               LineSplitter(feeder(Stream::err), max_line)};
  while (!input.empty()) {
    size_t chunk = std::min<size_t>(input.size(), 1 + rng.next() % 300);
    splitters[rng.next() % 2].feed(input.substr(0, chunk));
    input.remove_prefix(chunk);
  }
  splitters[0].finish();
  splitters[1].finish();
  Verdict verdict = classifier.finish();

  check(verdict.lines == lines, "every line is counted");
  check(verdict.ok == !verdict.primary.has_value(), "a failed verdict has a primary finding");
  // A retry that recovered turns the earlier failures into warnings.
  check(!verdict.ok || (verdict.others.empty() && verdict.others_dropped == 0),
        "an ok verdict lists no errors");
  check(verdict.others.size() < Classifier::k_max_findings, "findings are capped");
  check(verdict.warnings.size() <= Classifier::k_max_warnings, "warnings are capped");
  check(verdict.migrations_applied <= Classifier::k_max_migrations, "migrations are capped");
  if (verdict.primary) {
    check_finding(*verdict.primary, lines);
  }
  for (const Finding& finding : verdict.others) {
    check_finding(finding, lines);
  }
  for (const Warning& warning : verdict.warnings) {
    check(warning.line >= 1 && warning.line <= lines, "a warning's line was fed");
  }
  return 0;
}
