#include "report.h"

#include <sstream>

#include "line_splitter.h"
#include "numbered_list.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

// A finding cfdeploy made itself has no log line: "line" is null and "from" says where.
json evidence_json(const Finding& finding) {
  if (finding.line == 0 && !finding.origin.empty()) {
    return json{{"line", nullptr}, {"from", finding.origin}, {"text", finding.evidence}};
  }
  return json{{"line", finding.line}, {"text", finding.evidence}};
}

json other_error_json(const Finding& finding) {
  return json{
      {"id", finding.entry->id},
      {"class", to_string(finding.entry->failure_class)},
      {"code", or_null(finding.code)},
      {"title", finding.entry->title},
      {"retryable", finding.entry->retryable},
      {"endpoint", text_or_null(finding.resource)},
      {"evidence", evidence_json(finding)},
  };
}

class Painter {
public:
  explicit Painter(bool color) : m_color(color) {}
  std::string bold(std::string_view text) const { return wrap("1", text); }
  std::string red(std::string_view text) const { return wrap("1;31", text); }
  std::string green(std::string_view text) const { return wrap("1;32", text); }
  std::string dim(std::string_view text) const { return wrap("2", text); }

private:
  std::string wrap(std::string_view sgr, std::string_view text) const {
    if (!m_color) {
      return std::string(text);
    }
    return "\x1b[" + std::string(sgr) + "m" + std::string(text) + "\x1b[0m";
  }
  bool m_color;
};

std::string describe(const Finding& finding) {
  std::string text = std::string(to_string(finding.entry->failure_class)) + " error";
  if (finding.code) {
    text += ", Cloudflare code " + std::to_string(*finding.code);
  }
  return text;
}

void write_success(std::ostream& out, const Verdict& verdict, const Painter& paint) {
  out << paint.green("No failure found") << " in " << verdict.lines << " lines of output.\n";
  if (!verdict.warnings.empty()) {
    out << "The log shows " << verdict.warnings.size() << " warning(s); the first, on line "
        << verdict.warnings.front().line << ": " << verdict.warnings.front().text << "\n";
  }
}

void write_cause(std::ostream& out, const Finding& finding, const Painter& paint) {
  const CatalogueEntry& entry = *finding.entry;
  out << paint.red("The step failed: " + describe(finding)) << "\n";
  out << "  " << paint.bold(entry.title) << "\n\n";
  out << "  Evidence (" << evidence_place(finding, "line") << "): " << finding.evidence << "\n";
  if (!finding.resource.empty()) {
    out << "  API path: " << finding.resource << "\n";
  }
  if (!finding.migration.empty()) {
    out << "  Migration: " << finding.migration << "\n";
  }
  if (!finding.location.empty()) {
    out << "  Source: " << finding.location << "\n";
  }
  if (!finding.note.empty()) {
    out << "  Note: " << finding.note << "\n";
  }
}

void write_fix(std::ostream& out, const CatalogueEntry& entry, const Painter& paint) {
  out << "\n" << paint.bold("How to fix it:") << "\n";
  out << numbered_lines(entry.guidance, "  ");
  if (!entry.permissions.empty()) {
    out << "\nToken permissions involved:";
    for (const std::string& permission : entry.permissions) {
      out << "\n  - " << permission;
    }
    out << "\n";
  }
  out << "\n"
      << (entry.retryable ? "A retry may succeed: this kind of failure is usually temporary."
                          : "Retrying will not help until the cause is fixed.")
      << "\n";
  out << paint.dim("More: " + entry.docs) << "\n";
}

void write_others(std::ostream& out, const Verdict& verdict) {
  if (verdict.others.empty()) {
    return;
  }
  out << "\nOther errors in the log (" << verdict.others.size() + verdict.others_dropped << "):\n";
  for (const Finding& other : verdict.others) {
    out << "  " << evidence_place(other, "line") << ": " << describe(other) << " - "
        << other.entry->title << "\n";
  }
}

}  // namespace

json verdict_to_json(const Verdict& verdict) {
  json other_errors = json::array();
  for (const Finding& other : verdict.others) {
    other_errors.push_back(other_error_json(other));
  }
  json warnings = json::array();
  for (const Warning& warning : verdict.warnings) {
    warnings.push_back(json{{"line", warning.line}, {"text", warning.text}});
  }
  json result = {
      {"ok", verdict.ok},
      {"class", nullptr},
      {"code", nullptr},
      {"id", nullptr},
      {"retryable", false},
      {"title", nullptr},
      {"guidance", json::array()},
      {"permissions", json::array()},
      {"docs", nullptr},
      {"endpoint", nullptr},
      {"http_status", nullptr},
      {"migration", nullptr},
      {"evidence", nullptr},
      {"location", nullptr},
      {"note", nullptr},
      {"other_errors", other_errors},
      {"other_errors_dropped", verdict.others_dropped},
      {"warnings", warnings},
      {"lines", verdict.lines},
      {"truncated_lines", verdict.truncated_lines},
  };
  if (verdict.primary) {
    const Finding& finding = *verdict.primary;
    const CatalogueEntry& entry = *finding.entry;
    result["class"] = to_string(entry.failure_class);
    result["code"] = or_null(finding.code);
    result["id"] = entry.id;
    result["retryable"] = entry.retryable;
    result["title"] = entry.title;
    result["guidance"] = entry.guidance;
    result["permissions"] = entry.permissions;
    result["docs"] = entry.docs;
    result["endpoint"] = text_or_null(finding.resource);
    result["http_status"] = or_null(finding.status);
    result["migration"] = text_or_null(finding.migration);
    result["evidence"] = evidence_json(finding);
    result["location"] = text_or_null(finding.location);
    result["note"] = text_or_null(finding.note);
  }
  return result;
}

std::string verdict_to_text(const Verdict& verdict, TextStyle style) {
  Painter paint(style.color);
  std::ostringstream out;
  if (!verdict.primary) {
    write_success(out, verdict, paint);
  } else {
    write_cause(out, *verdict.primary, paint);
    write_fix(out, *verdict.primary->entry, paint);
    write_others(out, verdict);
  }
  if (verdict.truncated_lines > 0) {
    size_t kib = LineSplitter::k_default_max_line / 1024;
    out << "\nNote: " << verdict.truncated_lines << " line(s) were longer than " << kib
        << " KiB; only their first " << kib << " KiB were read.\n";
  }
  return out.str();
}

}  // namespace cfdeploy
