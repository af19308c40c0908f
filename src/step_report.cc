#include "step_report.h"

#include <cstring>
#include <filesystem>
#include <sstream>

#include "diagnosis_report.h"
#include "duration_text.h"
#include "migration_plan.h"
#include "numbered_list.h"
#include "report.h"
#include "time_travel.h"

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

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

void add_time_travel(json& report, const TimeTravelFacts& facts) {
  if (facts.restore) {
    report["restored_to_bookmark"] = text_or_null(facts.restored_to);
    report["previous_bookmark"] = text_or_null(facts.previous_bookmark);
    return;
  }
  report["restore_bookmark"] = text_or_null(facts.bookmark);
  report["restore_bookmark_problem"] = text_or_null(facts.bookmark_problem);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

// What was pending, first, so a reader sees what the run meant to apply.
void write_plan(std::ostream& out, const StepResult& result) {
  if (!result.plan) {
    return;
  }
  const MigrationPlanFacts& plan = *result.plan;
  out << "cfdeploy: plan: " << pending_text(plan.planned) << "\n";
  if (plan.changed()) {
    out << "cfdeploy: the pending migrations changed between the plan and the apply (another job "
           "may have migrated the database meanwhile); the apply found "
        << pending_text(*plan.at_apply) << "\n";
  }
}

// How to undo the step, or why it cannot be undone in one step.
void write_time_travel(std::ostream& out, const StepResult& result) {
  const TimeTravelFacts& facts = *result.time_travel;
  if (!facts.restored_to.empty()) {
    out << "cfdeploy: restored " << facts.database << " to bookmark " << facts.restored_to << "\n";
  }
  if (!facts.previous_bookmark.empty()) {
    out << "cfdeploy: to undo the restore: "
        << wrangler_restore_command(facts.database, facts.previous_bookmark, facts.environment)
        << "\n";
  }
  if (!facts.bookmark_problem.empty()) {
    out << "cfdeploy: no restore point was recorded: " << facts.bookmark_problem << "\n";
  }
  if (facts.bookmark.empty()) {
    return;
  }
  if (result.ok()) {
    out << "cfdeploy: to undo this run: "
        << wrangler_restore_command(facts.database, facts.bookmark, facts.environment) << "\n";
    return;
  }
  out << "cfdeploy: to put " << facts.database << " back as it was before this run: "
      << wrangler_restore_command(facts.database, facts.bookmark, facts.environment) << " (or "
      << cfdeploy_restore_command(facts.database, facts.bookmark, facts.environment) << ")\n";
}

// null unless the step deployed to Pages; a member wrangler left out is null.
json pages_json(const PagesDeployment& pages) {
  if (pages.empty()) {
    return nullptr;
  }
  return {{"deployment_id", text_or_null(pages.deployment_id)},
          {"alias_url", text_or_null(pages.alias_url)},
          {"environment", text_or_null(pages.environment)}};
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
  report["version_id"] = result.version_id.empty() ? json(nullptr) : json(result.version_id);
  report["pages"] = pages_json(result.pages);
  report["migrations_applied"] = result.verdict.migrations_applied;
  report["applied_migrations"] = result.verdict.applied_migrations;
  if (result.time_travel) {
    add_time_travel(report, *result.time_travel);
  }
  if (result.plan) {
    report["pending_migrations"] = result.plan->planned;
    if (result.plan->at_apply) {
      report["pending_at_apply"] = *result.plan->at_apply;
      report["plan_changed"] = result.plan->changed();
    }
  }
  report["duration_ms"] = result.duration.count();
  report["fixes"] = fixes_json(result, command, run);
  return report;
}

std::string step_summary_text(const StepResult& result) {
  std::ostringstream out;
  write_plan(out, result);
  if (result.cancelled_by != 0) {
    out << "cfdeploy: cancelled by signal " << result.cancelled_by << " after "
        << attempts_text(result) << "; exit status " << result.exit_code << "\n";
    if (result.time_travel) {
      write_time_travel(out, result);
    }
    return out.str();
  }
  if (result.ok()) {
    out << "cfdeploy: succeeded after " << attempts_text(result) << " in "
        << seconds_text(result.duration);
    if (!result.deployment_url.empty()) {
      out << "; deployed to " << result.deployment_url;
    }
    if (!result.pages.alias_url.empty()) {
      out << " (alias " << result.pages.alias_url << ")";
    }
    if (result.verdict.migrations_applied > 0) {
      out << "; " << result.verdict.migrations_applied << " migration(s) applied";
    }
    out << "\n";
    if (result.time_travel) {
      write_time_travel(out, result);
    }
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
  if (!result.verdict.applied_migrations.empty()) {
    out << "cfdeploy: applied before the failure: " << joined(result.verdict.applied_migrations)
        << "\n";
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
  if (result.time_travel) {
    write_time_travel(out, result);
  }
  return out.str();
}

}  // namespace cfdeploy
