#include "step_report.h"

#include <cstring>
#include <filesystem>
#include <sstream>

#include "diagnosis_report.h"
#include "duration_text.h"
#include "numbered_list.h"
#include "report.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

json attempt_json(const AttemptRecord& attempt) {
  return json{
      {"number", attempt.number},
      {"exit_status", attempt.exit_status},
      {"timed_out", attempt.timed_out},
      {"signal", attempt.signal != 0 ? json(attempt.signal) : json(nullptr)},
      {"class", attempt.failure_class ? json(to_string(*attempt.failure_class)) : json(nullptr)},
      {"code", attempt.code ? json(*attempt.code) : json(nullptr)},
      {"duration_ms", attempt.duration.count()},
  };
}

std::string outcome(const StepResult& result) {
  if (result.cancelled_by != 0) {
    return "cancelled";
  }
  return result.ok() ? "success" : "failure";
}

std::string attempts_text(const StepResult& result) {
  size_t count = result.attempts.size();
  return std::to_string(count) + (count == 1 ? " attempt" : " attempts");
}

// ", killed by SIGKILL" when a signal ended the last attempt: 137 alone sends people
// looking for an exit(137) that never happened.
std::string killed_by_text(const StepResult& result) {
  if (result.attempts.empty() || result.attempts.back().signal == 0) {
    return "";
  }
  const char* name = sigabbrev_np(result.attempts.back().signal);
  return name != nullptr ? std::string(", killed by SIG") + name
                         : ", killed by signal " + std::to_string(result.attempts.back().signal);
}

json fixes_json(const StepResult& result, const std::vector<std::string>& command,
                const GithubRun& run) {
  json fixes = json::array();
  if (!result.verdict.primary || result.ok()) {
    return fixes;
  }
  const std::optional<Diagnosis>& diagnosis = result.diagnosis;
  if (diagnosis && diagnosis->config_fix) {
    fixes.push_back(config_fix_json(*diagnosis->config_fix));
  }
  bool account_owned = diagnosis && diagnosis->token && diagnosis->token->account_owned;
  for (const Fix& fix :
       credential_fixes(*result.verdict.primary->entry, step_label(command), run, account_owned)) {
    json entry{{"kind", fix.kind}, {"title", fix.title}, {"url", fix.url}};
    if (!fix.command.empty()) {
      entry["command"] = fix.command;
    }
    fixes.push_back(std::move(entry));
  }
  return fixes;
}

}  // namespace

std::string step_label(const std::vector<std::string>& argv) {
  std::string label;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string word = i == 0 ? std::filesystem::path(argv[0]).filename().string() : argv[i];
    label += (i == 0 ? "" : " ") + word;
  }
  return label;
}

json step_report_json(const StepResult& result, const std::vector<std::string>& command,
                      const GithubRun& run) {
  json report = verdict_to_json(result.verdict);
  json attempts = json::array();
  for (const AttemptRecord& attempt : result.attempts) {
    attempts.push_back(attempt_json(attempt));
  }
  report["outcome"] = outcome(result);
  report["command"] = command;
  report["attempts"] = attempts;
  report["exit_code"] = result.exit_code;
  report["timed_out"] = result.timed_out;
  report["cancelled_by_signal"] = result.cancelled_by;
  report["retry_note"] = result.retry_note;
  report["token_check"] = result.token_check.empty() ? json(nullptr) : json(result.token_check);
  report["diagnosis"] = result.diagnosis ? diagnosis_to_json(*result.diagnosis) : json(nullptr);
  report["deployment_url"] =
      result.deployment_url.empty() ? json(nullptr) : json(result.deployment_url);
  report["migrations_applied"] = result.verdict.migrations_applied;
  report["duration_ms"] = result.duration.count();
  report["fixes"] = fixes_json(result, command, run);
  return report;
}

std::string step_summary_text(const StepResult& result) {
  std::ostringstream out;
  if (result.cancelled_by != 0) {
    out << "cfdeploy: cancelled by signal " << result.cancelled_by << " after "
        << attempts_text(result) << "; exit status " << result.exit_code << "\n";
    return out.str();
  }
  if (result.ok()) {
    out << "cfdeploy: succeeded after " << attempts_text(result) << " in "
        << seconds_text(result.duration);
    if (!result.deployment_url.empty()) {
      out << "; deployed to " << result.deployment_url;
    }
    if (result.verdict.migrations_applied > 0) {
      out << "; " << result.verdict.migrations_applied << " migration(s) applied";
    }
    out << "\n";
    return out.str();
  }
  const Finding& finding = *result.verdict.primary;
  out << "cfdeploy: failed after " << attempts_text(result) << " (exit status " << result.exit_code
      << killed_by_text(result) << "): " << to_string(finding.entry->failure_class);
  if (finding.code) {
    out << ", code " << *finding.code;
  }
  out << " - " << finding.entry->title << "\n";
  out << "cfdeploy: evidence: " << finding.evidence << "\n";
  if (!finding.migration.empty()) {
    out << "cfdeploy: migration: " << finding.migration << "\n";
  }
  out << "cfdeploy: how to fix it:\n";
  out << numbered_lines(finding.entry->guidance, "  ");
  if (!result.token_check.empty()) {
    out << "cfdeploy: token check: " << result.token_check << "\n";
  }
  if (result.diagnosis) {
    out << diagnosis_text(*result.diagnosis);
  }
  if (!result.retry_note.empty()) {
    out << "cfdeploy: " << result.retry_note << "\n";
  }
  return out.str();
}

}  // namespace cfdeploy
