#include "classifier.h"

#include <algorithm>
#include <array>

#include "error_facts.h"
#include "line_kinds.h"
#include "log_text.h"
#include "trigger_words.h"

namespace cfdeploy {
namespace {

constexpr size_t k_max_blank_lines_in_box = 3;
constexpr std::string_view k_d1_path = "/d1/";
constexpr size_t k_max_codes = 16;
constexpr size_t k_max_evidence = 500;

void append_capped(std::string& text, std::string_view more, size_t cap) {
  if (text.size() >= cap) {
    return;
  }
  if (!text.empty()) {
    text.push_back(' ');
  }
  text.append(more.substr(0, cap - text.size()));
}

}  // namespace

Classifier::Classifier(const Catalogue& catalogue)
    : m_catalogue(catalogue), m_trigger(trigger_words(catalogue)) {}

void Classifier::feed_line(std::string_view raw_line, Stream stream) {
  ++m_line;
  Block& block = m_blocks[static_cast<int>(stream)];
  if (m_known_failed && !raw_line.empty()) {
    m_last_line.assign(raw_line.substr(0, k_max_evidence));
  }
  if (m_retry_line != 0 && is_success_line(raw_line)) {
    m_success_line = m_line;
    m_retry_before_success = m_retry_line;
  }
  // Lines that need a closer look anyway are tested for words after
  // cleaning, when they are shorter; most lines are tested here and left.
  bool closer_look = block.open || !m_carried_code.empty() || may_start_something(raw_line);
  unsigned kinds = 0;
  if (!closer_look) {
    kinds = m_trigger.hits(skip_time_prefix(raw_line));
    if (kinds == 0) {
      return;
    }
  }
  clean_line(raw_line, m_clean);

  if (std::optional<BoxHeader> header = box_header(m_clean)) {
    size_t indent = m_clean.size() - trim_left(m_clean).size();
    if (block.open && !block.warning && !header->warning && indent > block.header_indent) {
      // An error listed inside another ("Build failed with 2 errors:" and
      // esbuild's errors under it) is part of that box, and says more.
      bool first_nested = block.evidence_line == block.first_line;
      add_note(block, m_clean);
      if (first_nested) {
        block.evidence_line = m_line;
        block.evidence_text = std::string(trim_left(m_clean).substr(0, k_max_block_text));
      }
      return;
    }
    close_block(block);
    start_block(block, header->headline, header->warning);
    block.header_indent = indent;
    block.evidence_text = std::string(trim_left(m_clean));
    return;
  }
  if (block.open) {
    bool indented = !m_clean.empty() && (m_clean[0] == ' ' || m_clean[0] == '\t');
    if (m_clean.empty() && block.blank_run < k_max_blank_lines_in_box) {
      ++block.blank_run;
      return;
    }
    if (indented || block.inside_code_marker) {
      add_note(block, m_clean);
      return;
    }
    close_block(block);
  }
  if (is_table_row(m_clean)) {
    note_migration_row(m_clean);
    return;  // a table's rows are data, whatever words they hold
  }
  if (closer_look) {
    kinds = m_trigger.hits(m_clean);
  }
  if (kinds != 0 || !m_carried_code.empty()) {
    read_bare_line(trim_left(m_clean), (kinds & k_phrase_word) != 0);
  }
}

// A line outside any box: a code or a catalogue phrase on its own is a
// finding; a line saying the step failed, or looking like an error, is kept
// for a failure that nothing explains.
void Classifier::read_bare_line(std::string_view line, bool may_hold_phrase) {
  std::string joined;
  if (!m_carried_code.empty()) {
    joined = m_carried_code + " " + std::string(line);
    m_carried_code.clear();
    line = joined;
  }
  if (line.empty()) {
    return;
  }
  if (trim_right(line).ends_with(k_code_marker)) {
    m_carried_code = std::string(line.substr(0, k_max_block_text));
    return;
  }
  if (announces_retry(line)) {
    m_retry_line = m_line;
  }
  if (is_failure_signal(line)) {
    remember_failure_signal(line);
    return;
  }
  if (std::optional<int> status = debug_response_status(line)) {
    if (*status >= 500 && !m_debug_status) {
      Block block;
      block.first_line = block.evidence_line = m_line;
      block.headline = block.text = block.evidence_text =
          std::string(line.substr(0, k_max_evidence));
      block.status = status;
      m_debug_status = explain_block(block);
    }
    return;
  }
  if (is_warning_line(line)) {
    return;
  }
  if (read_bare_codes(line) || (may_hold_phrase && read_bare_phrase(line))) {
    return;
  }
  if (looks_like_error(line)) {
    remember_error_line(line);
  }
}

// A line outside any box, read as a one-line box of its own.
Classifier::Block Classifier::bare_line_block(std::string_view line) const {
  Block block;
  block.first_line = block.evidence_line = m_line;
  block.headline = block.text = block.evidence_text = std::string(line.substr(0, k_max_block_text));
  block.resource = std::string(extract_resource(line));
  block.status = extract_status(line);
  block.location = source_location(line);
  return block;
}

bool Classifier::read_bare_codes(std::string_view line) {
  std::vector<int> codes = extract_any_codes(line);
  if (codes.empty() || mentions_code_as_data(line)) {
    return false;
  }
  Block block = bare_line_block(line);
  // With two codes on the line, the first the catalogue knows explains it.
  for (int code : codes) {
    block.codes = {code};
    Finding finding = explain_block(block);
    if (finding.entry->failure_class != FailureClass::unknown) {
      // The deciding code first, as in a box; the line's others after it.
      finding.codes = codes;
      auto deciding = std::find(finding.codes.begin(), finding.codes.end(), code);
      std::rotate(finding.codes.begin(), deciding, deciding + 1);
      add_finding(std::move(finding));
      return true;
    }
  }
  return false;
}

bool Classifier::read_bare_phrase(std::string_view line) {
  Block block = bare_line_block(line);
  Finding finding = explain_block(block);
  if (finding.entry->failure_class == FailureClass::unknown) {
    return false;
  }
  add_finding(std::move(finding));
  return true;
}

void Classifier::remember_error_line(std::string_view line) {
  if (m_error_lines.size() == k_max_error_lines) {
    m_error_lines.erase(m_error_lines.begin());
  }
  m_error_lines.push_back(Seen{m_line, std::string(line.substr(0, k_max_evidence))});
}

void Classifier::remember_failure_signal(std::string_view line) {
  m_failure_signal = true;
  m_signal_line = Seen{m_line, std::string(line.substr(0, k_max_evidence))};
}

void Classifier::start_block(Block& block, std::string_view headline, bool warning) {
  block = Block{};
  block.open = true;
  block.warning = warning;
  block.first_line = m_line;
  block.headline = std::string(trim_right(headline));
  block.evidence_line = m_line;
  if (warning) {
    return;  // a warning is reported by its headline alone
  }
  block.text = block.headline.substr(0, k_max_block_text);
  block.evidence_text = block.headline;
  block.evidence_has_code = block.headline.find(k_code_marker) != std::string::npos;
  block.resource = std::string(extract_resource(block.headline));
  block.location = source_location(block.headline);
  read_facts(block, block.headline);
}

// Codes and status come from each line as it arrives (a wrapped "[code:"
// carries over to the next line), so capping the text never loses them.
void Classifier::read_facts(Block& block, std::string_view line) {
  std::string carried;
  if (block.inside_code_marker) {
    carried = std::string(k_code_marker) + " " + std::string(line);
    line = carried;
  }
  for (int code : extract_codes(line)) {
    if (block.codes.size() < k_max_codes) {
      block.codes.push_back(code);
    }
  }
  if (!block.status) {
    block.status = extract_status(line);
    if (block.status && block.resource.empty()) {
      block.resource = std::string(extract_resource(line));
    }
  }
  block.inside_code_marker = trim_right(line).ends_with(k_code_marker);
}

void Classifier::add_note(Block& block, std::string_view note) {
  block.blank_run = 0;
  if (block.warning) {
    return;  // a warning is reported by its headline alone
  }
  std::string_view text = trim_left(note);
  append_capped(block.text, text, k_max_block_text);
  read_facts(block, text);
  if (block.location.empty()) {
    block.location = source_location(text);
  }
  if (!block.evidence_has_code && text.find(k_code_marker) != std::string_view::npos) {
    block.evidence_line = m_line;
    block.evidence_text = std::string(text.substr(0, k_max_block_text));
    block.evidence_has_code = true;
  }
}

void Classifier::close_block(Block& block) {
  if (!block.open) {
    return;
  }
  block.open = false;
  if (block.warning) {
    if (m_warnings.size() < k_max_warnings) {
      m_warnings.push_back(Warning{block.first_line, block.headline});
    }
    return;
  }
  std::optional<std::string> wrapped = wrapped_migration(block.headline);
  std::string migration;
  if (!wrapped && m_wrapper) {
    migration = m_wrapper->migration;
    m_wrapper.reset();
  }
  // Only `d1 migrations apply` prints the wrapper, and the box after it has
  // no API path: the product is D1 all the same.
  Finding finding = explain_block(block, migration.empty() ? "" : k_d1_path);
  if (wrapped) {
    // The real error is the box that follows; keep this one in case none does.
    finding.migration = *wrapped;
    m_wrapper = std::move(finding);
    return;
  }
  finding.migration = migration;
  finding.boxed = true;
  add_finding(std::move(finding));
}

void Classifier::add_finding(Finding finding) {
  if (m_findings.size() >= k_max_findings) {
    ++m_findings_dropped;
    return;
  }
  m_findings.push_back(std::move(finding));
}

// A row of wrangler's migrations status table: "│ 0002_x.sql │ ❌ │" or "… ✅ …".
void Classifier::note_migration_row(std::string_view line) {
  size_t bar = find_bar(line);
  if (bar == std::string_view::npos) {
    return;
  }
  bool failed = line.find(k_failed_mark) != std::string_view::npos;
  bool applied = line.find(k_applied_mark) != std::string_view::npos;
  std::string_view rest = line.substr(bar + k_table_bar.size());
  std::string_view name = trim_right(trim_left(rest.substr(0, find_bar(rest))));
  if (name.empty() || failed == applied) {
    return;
  }
  if (applied) {
    // wrangler reprints the whole table after each migration.
    if (m_applied_migrations.size() < k_max_migrations &&
        m_applied_migrations.find(name) == m_applied_migrations.end()) {
      m_applied_migrations.emplace(name);
    }
    return;
  }
  if (m_failed_row) {
    return;
  }
  Block block;
  block.first_line = block.evidence_line = m_line;
  block.evidence_text = std::string(trim_left(line));
  block.headline = std::string(k_wrapper_start) + std::string(name) + std::string(k_wrapper_end);
  block.text = block.headline + ": the migrations table marks it failed";
  m_failed_row = explain_block(block);
  m_failed_row->migration = std::string(name);
}

namespace {

// When the code's own meaning (an entry matched by the code alone) and the
// message words (an entry matched by words alone) name different classes,
// the words are the more specific evidence: a code such as 10000 is reused
// across products, while the words describe this failure.
const CatalogueEntry* prefer_words(const Catalogue& catalogue, const CatalogueEntry* by_code,
                                   ErrorFacts facts, std::string& note) {
  // Only the credential classes are reused this loosely (10000 comes back
  // for a rate limit, a missing permission and a bad token alike).
  bool credential_code = by_code != nullptr && is_credential_class(by_code->failure_class);
  if (!credential_code || by_code->codes.empty() || !by_code->match.empty()) {
    return by_code;
  }
  facts.code.reset();
  const CatalogueEntry* by_words = catalogue.best_match(facts);
  if (by_words == nullptr || by_words->failure_class == by_code->failure_class) {
    return by_code;
  }
  note = "The message words and the code disagree: the code alone means \"" + by_code->title +
         "\" (" + std::string(to_string(by_code->failure_class)) +
         "), but the words point to this explanation, which is followed here.";
  return by_words;
}

}  // namespace

Finding Classifier::explain_block(const Block& block, std::string_view path_hint) const {
  ErrorFacts facts;
  if (!block.codes.empty()) {
    facts.code = block.codes.front();
  }
  facts.resource = block.resource.empty() ? std::string(path_hint) : block.resource;
  facts.status = block.status;
  facts.text = block.text;
  Finding finding;
  const CatalogueEntry* entry =
      prefer_words(m_catalogue, m_catalogue.best_match(facts), facts, finding.note);
  finding.entry = entry != nullptr ? entry : &Catalogue::unknown_entry();
  finding.code = facts.code;
  finding.codes = block.codes;
  finding.resource = block.resource;
  finding.status = facts.status;
  finding.headline = block.headline;
  finding.line = block.evidence_line;
  finding.evidence = block.evidence_text;
  if (finding.entry->failure_class == FailureClass::config) {
    finding.location = block.location;  // a build error's file and line
  }
  return finding;
}

std::string evidence_place(const Finding& finding, std::string_view line_word) {
  if (finding.line == 0 && !finding.origin.empty()) {
    return "from " + finding.origin;
  }
  return std::string(line_word) + " " + std::to_string(finding.line);
}

// A step known or shown to have failed with nothing the catalogue knows:
// the verdict is unknown, and its evidence is the last lines that look like
// errors, the failure signal, or at least the log's last line.
std::optional<Finding> Classifier::failure_without_message() {
  if (!m_failure_signal && !m_known_failed) {
    return std::nullopt;
  }
  if (m_debug_status) {
    return std::move(m_debug_status);
  }
  std::vector<Seen> lines = std::move(m_error_lines);
  if (lines.empty() && m_signal_line) {
    lines.push_back(*m_signal_line);
  }
  if (lines.empty()) {
    std::string last;
    clean_line(m_last_line, last);
    lines.push_back(Seen{m_line, last});
  }
  for (const Seen& seen : lines) {
    Finding finding;
    finding.entry = &Catalogue::unknown_entry();
    finding.line = seen.line;
    finding.headline = finding.evidence = seen.text;
    add_finding(std::move(finding));
  }
  Finding last = std::move(m_findings.back());
  m_findings.pop_back();
  return last;
}

namespace {

bool recognised(const Finding& finding) {
  return finding.entry->failure_class != FailureClass::unknown;
}

// Lines between a bare error line and the body that tells the same failure.
constexpr size_t k_max_retelling_gap = 20;

// The same failure, told again with the code, is the better cause: wrangler
// may say what failed in a box of its own ("Your Worker failed validation
// because it exceeded size limits.") just before the API's box with the code,
// and a bare status line ("Status: 429 Too Many Requests, Details {") comes
// just before the JSON body that carries the code.
std::vector<Finding>::iterator coded_retelling(std::vector<Finding>::iterator primary,
                                               std::vector<Finding>::iterator end) {
  if (primary == end) {
    return primary;
  }
  auto next = std::next(primary);
  if (primary->code || next == end || !next->code || next->boxed != primary->boxed ||
      next->entry->failure_class != primary->entry->failure_class) {
    return primary;
  }
  if (!primary->boxed && next->line - primary->line > k_max_retelling_gap) {
    return primary;
  }
  return next;
}

}  // namespace

// A retry loop that ended well: wrangler's "done" line after a retry, and
// every failure before that retry. A step known to have failed never is.
bool Classifier::recovered_by_retry() const {
  if (m_known_failed || m_success_line == 0) {
    return false;
  }
  size_t last_failure = m_signal_line ? m_signal_line->line : 0;
  for (const Finding& finding : m_findings) {
    last_failure = std::max(last_failure, finding.line);
  }
  if (m_debug_status) {
    last_failure = std::max(last_failure, m_debug_status->line);
  }
  return last_failure <= m_retry_before_success;
}

// The failures of the earlier attempts stay visible, as warnings.
void Classifier::keep_as_recovered(Verdict& verdict) {
  for (const Finding& finding : m_findings) {
    if (verdict.warnings.size() >= k_max_warnings) {
      break;
    }
    verdict.warnings.push_back(
        Warning{finding.line, "An earlier attempt failed (a later one succeeded): " +
                                  finding.evidence.substr(0, k_max_evidence)});
  }
  m_findings.clear();
}

Verdict Classifier::finish() {
  close_block(m_blocks[0]);
  close_block(m_blocks[1]);
  if (m_wrapper) {
    add_finding(std::move(*m_wrapper));
    m_wrapper.reset();
  }
  if (m_findings.empty() && m_failed_row) {
    add_finding(std::move(*m_failed_row));
  }
  std::stable_sort(m_findings.begin(), m_findings.end(),
                   [](const Finding& a, const Finding& b) { return a.line < b.line; });

  Verdict verdict;
  verdict.lines = m_line;
  verdict.migrations_applied = m_applied_migrations.size();
  // Migration files are applied in the order of their names.
  verdict.applied_migrations.assign(m_applied_migrations.begin(), m_applied_migrations.end());
  verdict.warnings = std::move(m_warnings);
  verdict.others_dropped = m_findings_dropped;
  if (recovered_by_retry()) {
    keep_as_recovered(verdict);
    verdict.others_dropped = 0;
    return verdict;
  }
  std::optional<Finding> fallback;
  if (m_findings.empty()) {
    fallback = failure_without_message();
    if (!fallback) {
      return verdict;
    }
  }
  verdict.ok = false;
  // The first error the catalogue recognises is the cause, a box before a
  // bare line; boxes it cannot explain (wrappers, echoes) are kept as
  // further errors.
  auto primary = std::find_if(m_findings.begin(), m_findings.end(),
                              [](const Finding& f) { return f.boxed && recognised(f); });
  if (primary == m_findings.end()) {
    primary = std::find_if(m_findings.begin(), m_findings.end(), recognised);
  }
  primary = coded_retelling(primary, m_findings.end());
  if (fallback) {
    verdict.primary = std::move(*fallback);
  } else if (primary == m_findings.end() && m_debug_status) {
    verdict.primary = std::move(*m_debug_status);
  } else {
    if (primary == m_findings.end()) {
      primary = m_findings.begin();
    }
    verdict.primary = *primary;
  }
  if (verdict.primary->migration.empty() && m_failed_row) {
    verdict.primary->migration = m_failed_row->migration;
  }
  for (auto it = m_findings.begin(); it != m_findings.end(); ++it) {
    if (it != primary) {
      verdict.others.push_back(std::move(*it));
    }
  }
  return verdict;
}

}  // namespace cfdeploy
