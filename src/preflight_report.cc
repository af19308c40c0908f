#include "preflight_report.h"

#include <map>
#include <sstream>

namespace cfdeploy {
namespace {

using nlohmann::json;

std::string status_label(CheckStatus status) {
  return status == CheckStatus::fail ? "FAIL" : std::string(to_string(status));
}

// "passed" only when the token was verified: a run where the API never answered
// has no failure, but has not shown anything either.
std::string_view headline(const PreflightReport& report) {
  if (!report.ok()) {
    return "FAILED";
  }
  return report.token_unverified()
             ? "INCONCLUSIVE (nothing failed, but the token could not be verified)"
             : "passed";
}

}  // namespace

json check_to_json(const CheckResult& check) {
  std::string status = check.status == CheckStatus::could_not_check
                           ? "could_not_check"
                           : std::string(to_string(check.status));
  return {{"id", check.id},
          {"title", check.title},
          {"status", status},
          {"detail", check.detail},
          {"fix", check.fix},
          {"file", check.where ? json(check.where->file) : json(nullptr)},
          {"line", check.where ? json(check.where->line) : json(nullptr)},
          {"code", check.code ? json(*check.code) : json(nullptr)},
          {"requests", check.requests}};
}

json preflight_to_json(const PreflightReport& report) {
  json checks = json::array();
  std::map<std::string, int> counts = {
      {"pass", 0}, {"fail", 0}, {"skipped", 0}, {"could_not_check", 0}};
  for (const CheckResult& check : report.checks) {
    json entry = check_to_json(check);
    ++counts[entry["status"].get<std::string>()];
    checks.push_back(std::move(entry));
  }
  return {{"ok", report.ok()},
          {"elapsed_ms", report.elapsed.count()},
          {"counts", counts},
          {"checks", checks}};
}

std::string preflight_to_text(const PreflightReport& report) {
  std::ostringstream out;
  std::map<CheckStatus, int> counts;
  for (const CheckResult& check : report.checks) {
    ++counts[check.status];
    std::string label = status_label(check.status);
    out << label << std::string(label.size() < 16 ? 16 - label.size() : 1, ' ') << check.title
        << "\n";
    std::string indent(16, ' ');
    out << indent << check.detail << "\n";
    bool problem =
        check.status == CheckStatus::fail || check.status == CheckStatus::could_not_check;
    if (check.where && problem) {
      out << indent << "at " << check.where->text() << "\n";
    }
    for (const std::string& step : check.fix) {
      out << indent << "fix: " << step << "\n";
    }
  }
  out << "\nPreflight " << headline(report) << ": " << counts[CheckStatus::pass] << " passed, "
      << counts[CheckStatus::fail] << " failed, " << counts[CheckStatus::could_not_check]
      << " could not be checked, " << counts[CheckStatus::skipped] << " skipped ("
      << report.elapsed.count() << " ms).\n";
  return out.str();
}

}  // namespace cfdeploy
