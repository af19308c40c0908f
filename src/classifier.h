// The streaming classifier: reads a step's output line by line (both
// streams, in any order), gathers wrangler's error boxes and decides what
// failed. It keeps at most one open box per stream and a bounded list of
// findings, so memory stays flat however long the log is.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue.h"
#include "line_trigger.h"
#include "stream.h"

namespace cfdeploy {

/// One error box explained by a catalogue entry.
struct Finding {
  const CatalogueEntry* entry = nullptr;  // never null once reported
  std::optional<int> code;
  std::vector<int> codes;
  std::string resource;
  std::optional<int> status;
  std::string headline;
  std::string migration;  // the migration file named by wrangler, if any
  size_t line = 0;        // 1-based line the decision rests on; 0 when not from the log
  std::string evidence;   // that line, cleaned
  // Where the evidence comes from when cfdeploy found it itself rather than in a log line:
  // "wrangler's output file", "the exit status", "the step's --timeout", …
  std::string origin;
  std::string location;  // "src/index.ts:1:19" when a build error names one
  std::string note;      // says so when the message words and the code disagree
  bool boxed = false;    // read from an error box rather than a bare line
};

/// Where a finding's evidence is: "log line 12" (with `line_word` "log line"), or
/// "from wrangler's output file" for a finding cfdeploy made itself.
std::string evidence_place(const Finding& finding, std::string_view line_word = "log line");

struct Warning {
  size_t line = 0;
  std::string text;
};

struct Verdict {
  bool ok = true;
  std::optional<Finding> primary;
  std::vector<Finding> others;
  size_t others_dropped = 0;  // findings past the cap, counted only
  std::vector<Warning> warnings;
  size_t migrations_applied = 0;                // ✅ rows in wrangler's migrations table
  std::vector<std::string> applied_migrations;  // their names, in order
  size_t lines = 0;
  size_t truncated_lines = 0;  // set by whoever split the lines
};

class Classifier {
public:
  static constexpr size_t k_max_findings = 50;
  static constexpr size_t k_max_warnings = 20;
  static constexpr size_t k_max_block_text = size_t{8} * 1024;
  static constexpr size_t k_max_migrations = 10000;

  static constexpr size_t k_max_error_lines = 3;

  explicit Classifier(const Catalogue& catalogue);

  /// The step is known to have failed (its exit status said so): the
  /// verdict is never ok, and without a recognised error it is unknown.
  void set_known_failed(bool known_failed) { m_known_failed = known_failed; }

  /// Feeds one line (without its terminator) as it came from the child.
  void feed_line(std::string_view raw_line, Stream stream = Stream::out);

  /// Closes open boxes and returns the decision.
  Verdict finish();

private:
  struct Block {
    bool open = false;
    bool warning = false;
    size_t first_line = 0;
    size_t evidence_line = 0;
    bool evidence_has_code = false;
    bool inside_code_marker = false;  // the last line ended with "[code:"
    size_t blank_run = 0;
    size_t header_indent = 0;  // spaces before the header's marker
    std::string headline;
    std::string text;  // headline and notes, capped
    std::string evidence_text;
    std::vector<int> codes;  // read line by line, so the cap never hides one
    std::optional<int> status;
    std::string resource;
    std::string location;
  };

  struct Seen {
    size_t line = 0;
    std::string text;
  };

  void start_block(Block& block, std::string_view headline, bool warning);
  void add_note(Block& block, std::string_view note);
  void close_block(Block& block);
  void add_finding(Finding finding);
  void note_migration_row(std::string_view line);
  void read_facts(Block& block, std::string_view line);
  Finding explain_block(const Block& block, std::string_view path_hint = {}) const;
  void read_bare_line(std::string_view line, bool may_hold_phrase);
  Block bare_line_block(std::string_view line) const;
  bool read_bare_codes(std::string_view line);
  bool read_bare_phrase(std::string_view line);
  void remember_error_line(std::string_view line);
  void remember_failure_signal(std::string_view line);
  std::optional<Finding> failure_without_message();
  bool recovered_by_retry() const;
  void keep_as_recovered(Verdict& verdict);

  const Catalogue& m_catalogue;
  LineTrigger m_trigger;
  bool m_known_failed = false;
  bool m_failure_signal = false;          // npm ELIFECYCLE, "exit code 1", ...
  std::string m_carried_code;             // a bare line that ended with "[code:"
  std::vector<Seen> m_error_lines;        // the last lines that look like errors
  std::optional<Seen> m_signal_line;      // the last failure signal
  std::optional<Finding> m_debug_status;  // a 5xx in a "START CF API RESPONSE" block
  std::string m_last_line;                // for --failed, when nothing else is left
  size_t m_retry_line = 0;                // the last line announcing another attempt
  size_t m_success_line = 0;              // the last "deployed" line after a retry
  size_t m_retry_before_success = 0;      // the last retry line before that one
  Block m_blocks[2];
  std::string m_clean;
  size_t m_line = 0;
  std::vector<Finding> m_findings;
  size_t m_findings_dropped = 0;
  std::vector<Warning> m_warnings;
  std::optional<Finding> m_wrapper;     // "Migration X failed with the following errors:"
  std::optional<Finding> m_failed_row;  // a ❌ row in the migrations table
  std::set<std::string, std::less<>> m_applied_migrations;  // names in ✅ rows
};

}  // namespace cfdeploy
