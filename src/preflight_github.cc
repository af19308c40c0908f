#include "preflight_github.h"

#include <sstream>

#include "github_report.h"
#include "markdown.h"
#include "numbered_list.h"

namespace cfdeploy {
namespace {

Annotation annotation_for(const CheckResult& check, AnnotationLevel level) {
  std::string message = check.detail;
  if (!check.fix.empty()) {
    message += "\n\nHow to fix it:" + numbered_lines_after(check.fix);
  }
  Annotation annotation{level, "cfdeploy preflight: " + check.title, "", 0, message};
  if (check.where) {
    annotation.file = check.where->file;
    annotation.line = check.where->line;
  }
  return annotation;
}

void add_level(std::vector<Annotation>& annotations, const PreflightReport& report,
               CheckStatus status, AnnotationLevel level) {
  size_t added = 0;
  for (const CheckResult& check : report.checks) {
    if (check.status == status && added < k_max_annotations_per_level) {
      annotations.push_back(annotation_for(check, level));
      ++added;
    }
  }
}

const CheckResult* first_failure(const PreflightReport& report) {
  for (const CheckResult& check : report.checks) {
    if (check.status == CheckStatus::fail) {
      return &check;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<Annotation> preflight_annotations(const PreflightReport& report) {
  std::vector<Annotation> annotations;
  add_level(annotations, report, CheckStatus::fail, AnnotationLevel::error);
  add_level(annotations, report, CheckStatus::could_not_check, AnnotationLevel::warning);
  return annotations;
}

std::string preflight_summary_markdown(const PreflightReport& report) {
  std::ostringstream out;
  bool unverified = report.ok() && report.token_unverified();
  out << "## "
      << (!report.ok() ? "\xE2\x9D\x8C"
          : unverified ? "\xE2\x9A\xA0\xEF\xB8\x8F"
                       : "\xE2\x9C\x85")
      << " cfdeploy preflight "
      << (!report.ok() ? "failed"
          : unverified ? "inconclusive: the token could not be verified"
                       : "passed")
      << "\n\n| Check | Result | Detail |\n|---|---|---|\n";
  for (const CheckResult& check : report.checks) {
    out << "| " << markdown_text(check.title) << " | " << status_mark(check.status) << " | "
        << markdown_text(check.detail) << " |\n";
  }
  for (const CheckResult& check : report.checks) {
    if (check.status != CheckStatus::fail || check.fix.empty()) {
      continue;
    }
    out << "\n### " << markdown_text(check.title) << "\n\n";
    if (check.where) {
      out << "At " << markdown_code(check.where->text()) << ".\n\n";
    }
    // The fixes quote names from the configuration and the API, so their
    // backticks show as typed rather than as code.
    for (const std::string& fix : check.fix) {
      out << "- [ ] " << markdown_text(fix) << "\n";
    }
  }
  return out.str();
}

void report_preflight_to_github(const PreflightReport& report, const std::string& text,
                                const std::vector<std::string>& secrets, std::ostream& out) {
  GithubReporter reporter = GithubReporter::from_environment(out);
  reporter.print_quoted(text, secrets);
  reporter.annotate(preflight_annotations(report));
  const CheckResult* failed = first_failure(report);
  reporter.write_outputs({
      {"outcome", report.ok() ? "success" : "failure"},
      {"failed-check", failed != nullptr ? failed->id : ""},
      {"error-code", failed != nullptr && failed->code ? std::to_string(*failed->code) : ""},
  });
  reporter.write_summary(preflight_summary_markdown(report));
}

}  // namespace cfdeploy
