// What values from elsewhere can do to the job summaries, the annotations and cfdeploy's own
// messages: nothing. Argv, names, versions, URLs, migration names, log lines, preflight's
// API messages and a diagnosis (its conclusion, its checks, and a configuration fix's lines,
// fenced in the summary) are fuzzed into a step's summary and a preflight summary; read back with a
// model of GitHub's Markdown, each holds exactly the headings and links of the same summary
// built from harmless values (a valid http(s) deployment URL may add its one link, to
// itself). The annotations, read back as the runner reads lines, are one command each, and
// a diagnostic, and each line of text for people, is one line the runner acts on in no way.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue.h"
#include "classifier.h"
#include "diagnosis_report.h"
#include "diagnostics.h"
#include "fuzz_support.h"
#include "github_report.h"
#include "job_summary.h"
#include "preflight.h"
#include "preflight_github.h"
#include "workflow_commands.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

// ---- A model of GitHub Flavored Markdown, as far as headings and links go ----

struct Structure {
  size_t headings = 0;  // ATX (`# x`) and setext (a line of = or - under a paragraph)
  size_t links = 0;     // [x](y), [x][y], <scheme:...>, <a ...>, www., http(s)://, ftp://, a@b
  std::vector<std::string> autolinks;  // the insides of <scheme:...>

  bool operator==(const Structure&) const = default;
};

// CommonMark's line endings: LF, CR and CRLF.
std::vector<std::string_view> markdown_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      start = i + 1;
    }
  }
  lines.push_back(text.substr(start));
  return lines;
}

bool is_punctuation(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string_view without_indent(std::string_view line) {
  size_t spaces = 0;
  while (spaces < 3 && spaces < line.size() && line[spaces] == ' ') {
    ++spaces;
  }
  return line.substr(spaces);
}

bool is_atx_heading(std::string_view line) {
  line = without_indent(line);
  size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') {
    ++hashes;
  }
  return hashes >= 1 && hashes <= 6 &&
         (hashes == line.size() || line[hashes] == ' ' || line[hashes] == '\t');
}

bool is_setext_underline(std::string_view line) {
  line = without_indent(line);
  size_t end = line.find_last_not_of(" \t");
  if (line.empty() || end == std::string_view::npos) {
    return false;
  }
  line = line.substr(0, end + 1);
  return std::all_of(line.begin(), line.end(), [](char c) { return c == '='; }) ||
         std::all_of(line.begin(), line.end(), [](char c) { return c == '-'; });
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The line with backslash escapes and code spans made opaque (\x01), as the inline parser
// sees it before it looks for links: an escaped or code character links nothing.
std::string opaque_inline(std::string_view line) {
  std::string plain;
  for (size_t i = 0; i < line.size();) {
    if (line[i] == '\\' && i + 1 < line.size() && is_punctuation(line[i + 1])) {
      plain += '\x01';
      i += 2;
      continue;
    }
    if (line[i] == '`') {
      size_t run = line.find_first_not_of('`', i);
      run = (run == std::string_view::npos ? line.size() : run) - i;
      // The span closes at the next run of exactly as many backticks.
      size_t close = i + run;
      while (close < line.size()) {
        close = line.find('`', close);
        if (close == std::string_view::npos) {
          break;
        }
        size_t end = line.find_first_not_of('`', close);
        end = end == std::string_view::npos ? line.size() : end;
        if (end - close == run) {
          break;
        }
        close = end;
      }
      if (close != std::string_view::npos && close < line.size()) {
        plain += '\x01';
        i = close + run;
      } else {
        plain.append(run, '`');  // unclosed: literal backticks
        i += run;
      }
      continue;
    }
    plain += line[i++];
  }
  return plain;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// `<scheme:...>`: the length of the scheme and colon at the start of `text`, or 0.
size_t autolink_scheme(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && i <= 32 &&
         (std::isalpha(static_cast<unsigned char>(text[i])) != 0 ||
          (i > 0 && (is_alnum(text[i]) || text[i] == '+' || text[i] == '.' || text[i] == '-')))) {
    ++i;
  }
  return i >= 2 && i < text.size() && text[i] == ':' ? i + 1 : 0;
}

void scan_links(std::string_view line, Structure& structure) {
  std::string plain = opaque_inline(line);
  std::string_view text = plain;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string_view rest = text.substr(i);
    if (rest.starts_with("](") || rest.starts_with("][")) {
      ++structure.links;
    } else if (rest.starts_with('<') && autolink_scheme(rest.substr(1)) > 0) {
      size_t end = rest.find_first_of("<> \t", 1);
      if (end != std::string_view::npos && rest[end] == '>') {
        ++structure.links;
        structure.autolinks.emplace_back(rest.substr(1, end - 1));
        i += end;  // its inside is the link's text, not more links
      }
    } else if (starts_with_nocase(rest, "<a ") || starts_with_nocase(rest, "<a>") ||
               starts_with_nocase(rest, "www.") || starts_with_nocase(rest, "http://") ||
               starts_with_nocase(rest, "https://") || starts_with_nocase(rest, "ftp://")) {
      ++structure.links;
    } else if (rest.starts_with('@') && i > 0 && rest.size() > 1 && is_alnum(rest[1]) &&
               (is_alnum(text[i - 1]) ||
                std::string_view("._+-").find(text[i - 1]) != std::string_view::npos)) {
      ++structure.links;
    }
  }
}

// The backticks that open a fenced code block (three or more), or 0.
size_t fence_length(std::string_view line) {
  std::string_view text = without_indent(line);
  size_t length = text.find_first_not_of('`');
  length = length == std::string_view::npos ? text.size() : length;
  return length >= 3 ? length : 0;
}

// A line that closes a block opened with `fence` backticks: as many or more, then only spaces.
bool closes_fence(std::string_view line, size_t fence) {
  std::string_view text = without_indent(line);
  size_t length = fence_length(line);
  return length >= fence && text.find_first_not_of(" \t", length) == std::string_view::npos;
}

Structure read_markdown(std::string_view markdown) {
  Structure structure;
  bool in_pre = false;
  bool after_paragraph = false;
  size_t fence = 0;  // the open fenced code block's backticks; its lines are literal text
  for (std::string_view line : markdown_lines(markdown)) {
    if (fence > 0) {
      fence = closes_fence(line, fence) ? 0 : fence;
      continue;
    }
    if (size_t opened = fence_length(line)) {
      fence = opened;
      after_paragraph = false;
      continue;
    }
    if (in_pre) {  // an HTML block from <pre> ends at the line with </pre>, whatever is between
      in_pre = line.find("</pre>") == std::string_view::npos;
      after_paragraph = false;
      continue;
    }
    if (without_indent(line).starts_with("<pre")) {
      in_pre = line.find("</pre>") == std::string_view::npos;
      continue;
    }
    if (is_atx_heading(line) || (after_paragraph && is_setext_underline(line))) {
      ++structure.headings;
    }
    scan_links(line, structure);
    after_paragraph = !is_blank(line) && !is_atx_heading(line);
  }
  return structure;
}

// ---- The values ----

struct Values {
  std::string step, environment, database, version, url, retry_note, migration, evidence;
  std::string other_evidence, check_title, check_detail, check_fix, check_file;
};

// The same values made harmless; those left out when empty stay empty.
Values harmless(const Values& fuzzed, bool url_linked) {
  Values values{"v", "v", "v", "v", "v", "v", "v", "v", "v", "v", "v", "v", "v"};
  values.url = url_linked ? "https://v.example" : fuzzed.url.empty() ? "" : "v";
  values.retry_note = fuzzed.retry_note.empty() ? "" : "v";
  values.version = fuzzed.version.empty() ? "" : "v";
  values.migration = fuzzed.migration.empty() ? "" : "v";
  return values;
}

Verdict verdict_for(const Values& values, const CatalogueEntry& entry) {
  Finding finding;
  finding.entry = &entry;
  finding.code = 7403;
  finding.line = 8;
  finding.migration = values.migration;
  finding.evidence = values.evidence;
  Verdict verdict;
  verdict.ok = false;
  verdict.primary = finding;
  verdict.applied_migrations = {values.other_evidence};
  finding.migration.clear();
  finding.evidence = values.other_evidence;
  verdict.others.push_back(finding);
  return verdict;
}

PreflightReport preflight_report(const Values& values);

// A diagnosis whose every value comes from `values`: the conclusion, the checks, and a
// configuration fix whose lines are the file's own (a repository's file holds anything).
Diagnosis diagnosis_for(const Values& values) {
  Diagnosis diagnosis;
  diagnosis.conclusion = values.check_detail;
  diagnosis.checks = preflight_report(values).checks;
  ConfigFix fix;
  fix.where = {values.check_file, 3};
  fix.key = "database_id";
  fix.value = values.database;
  fix.line = values.check_title;
  fix.replacement = values.check_fix;
  fix.before = {values.other_evidence};
  fix.after = {values.migration};
  diagnosis.config_fix = fix;
  return diagnosis;
}

std::string step_summary(const Values& values, const Verdict& verdict) {
  Diagnosis diagnosis = diagnosis_for(values);
  SummaryInput input;
  input.diagnosis = &diagnosis;
  input.step = "wrangler d1 migrations apply " + values.database + " --env " + values.environment +
               " " + values.step;
  input.verdict = &verdict;
  input.attempts = 2;
  input.exit_code = 1;
  input.deployment_url = values.url;
  input.wrangler_version = values.version;
  input.retry_note = values.retry_note;
  // The undo section, or without a bookmark the warning that says why; the plan, changed.
  TimeTravelFacts time_travel{false, values.database,   values.retry_note, values.check_detail, "",
                              "",    values.environment};
  MigrationPlanFacts plan{
      {values.migration, values.step}, true, std::vector<std::string>{values.environment}};
  input.time_travel = &time_travel;
  input.plan = &plan;
  return job_summary_markdown(input);
}

PreflightReport preflight_report(const Values& values) {
  CheckResult failed;
  failed.id = "d1-database:" + values.database;
  failed.title = values.check_title;
  failed.status = CheckStatus::fail;
  failed.detail = values.check_detail;
  failed.fix = {values.check_fix, "Check `" + values.database + "` in the dashboard"};
  failed.where = SourceLocation{values.check_file, 3};
  CheckResult unsure = failed;
  unsure.status = CheckStatus::could_not_check;
  PreflightReport report;
  report.checks = {failed, unsure};
  return report;
}

// ---- The runner's reading of lines ----

// Where the runner (CR, LF) or any other reader of the log (VT, FF, NEL, U+2028, U+2029)
// would start a new line: the number of lines in `text`, which ends with "\n".
size_t log_lines(std::string_view text) {
  static constexpr std::string_view k_breaks[] = {
      "\r\n", "\r", "\n", "\v", "\f", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"};
  size_t lines = 0;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    for (std::string_view line_break : k_breaks) {
      if (text.substr(i).starts_with(line_break)) {
        ++lines;
        length = line_break.size();
        break;
      }
    }
    i += length;
  }
  return lines;
}

void check_annotations(const std::vector<Annotation>& annotations) {
  for (const Annotation& annotation : annotations) {
    std::string command = annotation_command(annotation);
    check(log_lines(command) == 1 && command.ends_with('\n'), "an annotation is one line");
    std::string_view name = annotation.level == AnnotationLevel::error ? "::error" : "::warning";
    check(command.starts_with(name) &&
              (command[name.size()] == ' ' || command.substr(name.size(), 2) == "::"),
          "an annotation is the command it was meant to be");
  }
}

// String.TrimStart(): .NET white space off the front.
std::string_view dotnet_trim_start(std::string_view line) {
  static constexpr std::string_view k_spaces[] = {" ",
                                                  "\t",
                                                  "\v",
                                                  "\f",
                                                  "\xC2\x85",
                                                  "\xC2\xA0",
                                                  "\xE1\x9A\x80",
                                                  "\xE2\x80\x80",
                                                  "\xE2\x80\x81",
                                                  "\xE2\x80\x82",
                                                  "\xE2\x80\x83",
                                                  "\xE2\x80\x84",
                                                  "\xE2\x80\x85",
                                                  "\xE2\x80\x86",
                                                  "\xE2\x80\x87",
                                                  "\xE2\x80\x88",
                                                  "\xE2\x80\x89",
                                                  "\xE2\x80\x8A",
                                                  "\xE2\x80\xA8",
                                                  "\xE2\x80\xA9",
                                                  "\xE2\x80\xAF",
                                                  "\xE2\x81\x9F",
                                                  "\xE3\x80\x80"};
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view space : k_spaces) {
      if (line.starts_with(space)) {
        line.remove_prefix(space.size());
        trimmed = true;
      }
    }
  }
  return line;
}

// Text for people outside the window: as many lines as it had LFs, none of them a command.
void check_text_for_people(std::string_view text) {
  std::string escaped = escape_log_lines(text);
  check(log_lines(escaped) == static_cast<size_t>(std::count(text.begin(), text.end(), '\n')),
        "text for people keeps its lines and adds none");
  for (std::string_view line : markdown_lines(escaped)) {
    check(!dotnet_trim_start(line).starts_with("::") && line.find("##[") == std::string::npos,
          "no line of text for people is a command");
  }
}

void check_diagnostic(const std::string& message) {
  std::string line = diagnostic_line("cfdeploy: error: ", message);
  check(log_lines(line) == 1 && line.ends_with('\n'), "a diagnostic is one line");
  check(line.find("##[") == std::string::npos, "a diagnostic holds no legacy command");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  Values fuzzed;
  for (std::string* value :
       {&fuzzed.step, &fuzzed.environment, &fuzzed.database, &fuzzed.version, &fuzzed.url,
        &fuzzed.retry_note, &fuzzed.migration, &fuzzed.other_evidence, &fuzzed.check_title,
        &fuzzed.check_detail, &fuzzed.check_fix, &fuzzed.check_file}) {
    *value = input.ConsumeRandomLengthString(200);
  }
  fuzzed.evidence = input.ConsumeRemainingBytesAsString();
  const std::vector<CatalogueEntry>& entries = builtin_catalogue().entries();
  const CatalogueEntry& entry = entries[Rng(fuzzed.evidence).next() % entries.size()];

  Verdict verdict = verdict_for(fuzzed, entry);
  Structure step = read_markdown(step_summary(fuzzed, verdict));
  // An http(s) deployment URL may become one link, to itself; nothing else may add one.
  bool url_linked =
      (fuzzed.url.starts_with("https://") || fuzzed.url.starts_with("http://")) &&
      std::find(step.autolinks.begin(), step.autolinks.end(), fuzzed.url) != step.autolinks.end();
  Values plain = harmless(fuzzed, url_linked);
  Verdict plain_verdict = verdict_for(plain, entry);
  Structure expected = read_markdown(step_summary(plain, plain_verdict));
  std::replace(expected.autolinks.begin(), expected.autolinks.end(), plain.url, fuzzed.url);
  check(step.headings == expected.headings, "the step summary has only its own headings");
  check(step.links == expected.links && step.autolinks == expected.autolinks,
        "the step summary has only its own links, and an http(s) deployment URL's");
  check(read_markdown(preflight_summary_markdown(preflight_report(fuzzed))) ==
            read_markdown(preflight_summary_markdown(preflight_report(plain))),
        "the preflight summary has only its own headings and links");

  Diagnosis diagnosis = diagnosis_for(fuzzed);
  check_annotations(build_annotations(verdict, {}, &diagnosis));
  check_text_for_people(diagnosis_text(diagnosis));
  check_annotations(preflight_annotations(preflight_report(fuzzed)));
  check_diagnostic("unknown command '" + fuzzed.step + "'");
  check_text_for_people(fuzzed.evidence);
  return 0;
}
