#include "diagnosis_report.h"

#include <sstream>

#include "config_fix.h"
#include "markdown.h"
#include "preflight_report.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

std::string fix_title(const ConfigFix& fix) {
  return "Set " + fix.key + " to " + fix.value + " at " + fix.where.text();
}

}  // namespace

json diagnosis_to_json(const Diagnosis& diagnosis) {
  json checks = json::array();
  for (const CheckResult& check : diagnosis.checks) {
    checks.push_back(check_to_json(check));
  }
  return {{"kind", to_string(diagnosis.kind)},
          {"conclusion", diagnosis.conclusion},
          {"could_not_check", diagnosis.could_not_check},
          {"checks", checks}};
}

json config_fix_json(const ConfigFix& fix) {
  return {{"kind", "config"},
          {"title", fix_title(fix)},
          {"file", fix.where.file},
          {"line", fix.where.line},
          {"replacement", fix.replacement}};
}

std::string diagnosis_text(const Diagnosis& diagnosis) {
  std::ostringstream out;
  out << "cfdeploy: diagnosis: " << diagnosis.conclusion << "\n";
  for (const CheckResult& check : diagnosis.checks) {
    out << "cfdeploy:   " << to_string(check.status) << ": " << check.title << ": " << check.detail
        << "\n";
  }
  if (diagnosis.config_fix) {
    out << "cfdeploy: change " << diagnosis.config_fix->where.text()
        << " to: " << diagnosis.config_fix->replacement << "\n";
  }
  return out.str();
}

std::string diagnosis_markdown(const Diagnosis& diagnosis) {
  std::ostringstream out;
  out << "### Diagnosis\n\n";
  if (diagnosis.could_not_check) {
    out << "_" << markdown_text(diagnosis.conclusion) << "_\n\n";
  } else {
    out << "**" << markdown_text(diagnosis.conclusion) << "**\n\n";
  }
  if (!diagnosis.checks.empty()) {
    out << "| Check | Result | Found |\n|---|---|---|\n";
    for (const CheckResult& check : diagnosis.checks) {
      out << "| " << markdown_text(check.title) << " | " << status_mark(check.status) << " | "
          << markdown_text(check.detail) << " |\n";
    }
    out << "\n";
  }
  if (const std::optional<ConfigFix>& fix = diagnosis.config_fix) {
    out << "### Change " << markdown_code(fix->where.text()) << "\n\n"
        << "Replace line " << fix->where.line << " of " << markdown_code(fix->where.file)
        << " with:\n\n"
        << markdown_code_block(fix->replacement, "") << "\nor apply this patch from the "
        << "repository's top (`git apply`):\n\n"
        << markdown_code_block(config_fix_diff(*fix, fix->where.file), "diff") << "\n";
  }
  return out.str();
}

Annotation config_fix_annotation(const ConfigFix& fix) {
  return {AnnotationLevel::warning, "cfdeploy: change this line", fix.where.file, fix.where.line,
          "Replace this line with:\n" + fix.replacement + "\n\n(" + fix.key + " " + fix.value +
              " is what the Cloudflare API reports for this project.)"};
}

}  // namespace cfdeploy
