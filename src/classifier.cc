#include "classifier.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "error_facts.h"
#include "log_text.h"

namespace cfdeploy {
namespace {

struct BoxHeader {
  std::string_view headline;
  bool warning = false;
};

// Prefixes a CI system may print before wrangler's own line.
constexpr std::array<std::string_view, 4> k_line_prefixes = {"Error: ", "##[error]",
                                                             "Warning: ", "##[warning]"};

struct BoxMarker {
  std::string_view text;
  bool warning;
};

// "✘" is wrangler's icon on Linux and macOS, "X" on Windows.
constexpr std::array<BoxMarker, 4> k_box_markers = {{
    {"\xE2\x9C\x98 [ERROR]", false},  // ✘ [ERROR]
    {"X [ERROR]", false},
    {"\xE2\x96\xB2 [WARNING]", true},  // ▲ [WARNING]
    {"! [WARNING]", true},
}};

constexpr std::string_view k_failed_mark = "\xE2\x9D\x8C";   // ❌
constexpr std::string_view k_applied_mark = "\xE2\x9C\x85";  // ✅
constexpr std::string_view k_table_bar = "\xE2\x94\x82";     // │
constexpr std::string_view k_wrapper_start = "Migration ";
constexpr std::string_view k_wrapper_end = " failed with the following errors";
constexpr size_t k_max_blank_lines_in_box = 3;
constexpr std::string_view k_d1_path = "/d1/";

// Outside a box, only a box header ("[ERROR]", "[WARNING]") or a row of the
// migrations table ("│") can matter; most lines are neither, and skipping
// them before any copying keeps classification as fast as the pipe. This runs
// on every line, so it searches with memchr rather than a loop over bytes.
bool may_start_something(std::string_view raw) {
  if (raw.empty()) {
    return false;
  }
  const char* begin = raw.data();
  const char* end = begin + raw.size();
  if (std::memchr(begin, '[', raw.size()) != nullptr) {
    return true;
  }
  // Look for the bar's last byte: its first two also start every border character.
  for (const char* p = begin + 2; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, k_table_bar[2], static_cast<size_t>(end - p)));
    if (p == nullptr) {
      return false;
    }
    if (p[-2] == k_table_bar[0] && p[-1] == k_table_bar[1]) {
      return true;
    }
  }
  return false;
}

std::optional<BoxHeader> box_header(std::string_view line) {
  std::string_view text = trim_left(line);
  for (std::string_view prefix : k_line_prefixes) {
    if (text.substr(0, prefix.size()) == prefix) {
      text = trim_left(text.substr(prefix.size()));
      break;
    }
  }
  for (const BoxMarker& marker : k_box_markers) {
    if (text.substr(0, marker.text.size()) == marker.text) {
      return BoxHeader{trim_left(text.substr(marker.text.size())), marker.warning};
    }
  }
  return std::nullopt;
}

// "Migration 0002_broken.sql failed with the following errors:" → "0002_broken.sql".
std::optional<std::string> wrapped_migration(std::string_view headline) {
  size_t end = headline.find(k_wrapper_end);
  if (headline.substr(0, k_wrapper_start.size()) != k_wrapper_start || end == std::string::npos) {
    return std::nullopt;
  }
  std::string_view name = headline.substr(k_wrapper_start.size(), end - k_wrapper_start.size());
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return std::string(name);
}

constexpr std::string_view k_code_marker = "[code:";
constexpr size_t k_max_codes = 16;

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

Classifier::Classifier(const Catalogue& catalogue) : m_catalogue(catalogue) {}

void Classifier::feed_line(std::string_view raw_line, Stream stream) {
  ++m_line;
  Block& block = m_blocks[static_cast<int>(stream)];
  if (!block.open && !may_start_something(raw_line)) {
    return;
  }
  clean_line(raw_line, m_clean);

  if (std::optional<BoxHeader> header = box_header(m_clean)) {
    close_block(block);
    start_block(block, header->headline, header->warning);
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
  note_migration_row(m_clean);
}

void Classifier::start_block(Block& block, std::string_view headline, bool warning) {
  block = Block{};
  block.open = true;
  block.warning = warning;
  block.first_line = m_line;
  block.headline = std::string(trim_right(headline));
  block.text = block.headline.substr(0, k_max_block_text);
  block.evidence_line = m_line;
  block.evidence_text = block.headline;
  block.evidence_has_code = block.headline.find(k_code_marker) != std::string::npos;
  block.resource = std::string(extract_resource(block.headline));
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
  std::string_view text = trim_left(note);
  append_capped(block.text, text, k_max_block_text);
  read_facts(block, text);
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
  size_t bar = line.find(k_table_bar);
  if (bar == std::string_view::npos) {
    return;
  }
  bool failed = line.find(k_failed_mark) != std::string_view::npos;
  bool applied = line.find(k_applied_mark) != std::string_view::npos;
  std::string_view rest = line.substr(bar + k_table_bar.size());
  std::string_view name = trim_right(trim_left(rest.substr(0, rest.find(k_table_bar))));
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

Finding Classifier::explain_block(const Block& block, std::string_view path_hint) const {
  ErrorFacts facts;
  if (!block.codes.empty()) {
    facts.code = block.codes.front();
  }
  facts.resource = block.resource.empty() ? std::string(path_hint) : block.resource;
  facts.status = block.status;
  facts.text = block.text;
  const CatalogueEntry* entry = m_catalogue.best_match(facts);
  Finding finding;
  finding.entry = entry != nullptr ? entry : &Catalogue::unknown_entry();
  finding.code = facts.code;
  finding.codes = block.codes;
  finding.resource = block.resource;
  finding.status = facts.status;
  finding.headline = block.headline;
  finding.line = block.evidence_line;
  finding.evidence = block.evidence_text;
  return finding;
}

std::string evidence_place(const Finding& finding, std::string_view line_word) {
  if (finding.line == 0 && !finding.origin.empty()) {
    return "from " + finding.origin;
  }
  return std::string(line_word) + " " + std::to_string(finding.line);
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
  verdict.warnings = std::move(m_warnings);
  verdict.others_dropped = m_findings_dropped;
  if (m_findings.empty()) {
    return verdict;
  }
  // The first error the catalogue recognises is the cause; boxes it cannot
  // explain (wrappers, echoes) are kept as further errors.
  auto primary = std::find_if(m_findings.begin(), m_findings.end(), [](const Finding& f) {
    return f.entry->failure_class != FailureClass::unknown;
  });
  if (primary == m_findings.end()) {
    primary = m_findings.begin();
  }
  verdict.ok = false;
  verdict.primary = *primary;
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
