#include "job_summary.h"

#include <array>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "diagnosis_report.h"
#include "duration_text.h"
#include "markdown.h"
#include "secrets.h"
#include "time_travel.h"

namespace cfdeploy {
namespace {

struct PermissionRow {
  std::string_view permission;
  std::string_view needed_for;
};

// What wrangler's commands need, in the dashboard's names for Cloudflare's permission groups
// (https://developers.cloudflare.com/fundamentals/api/reference/permissions/).
constexpr std::array<PermissionRow, 6> k_permission_table = {{
    {"Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit",
     "`wrangler d1 migrations apply --remote`, `wrangler d1 execute --remote`"},
    {"Account \xE2\x80\xBA Workers Scripts \xE2\x80\xBA Edit", "`wrangler deploy`, secrets"},
    {"Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit", "`wrangler pages deploy`"},
    {"Account \xE2\x80\xBA Workers KV Storage \xE2\x80\xBA Edit", "optional: KV bindings"},
    {"Account \xE2\x80\xBA Workers R2 Storage \xE2\x80\xBA Edit", "optional: R2 bindings"},
    {"Account \xE2\x80\xBA Account Analytics \xE2\x80\xBA Read", "optional: analytics queries"},
}};

constexpr size_t k_max_error_lines_bytes = size_t{64} * 1024;

void write_headline(std::ostream& out, const SummaryInput& input) {
  bool ok = input.verdict->ok;
  out << "## " << (ok ? "\xE2\x9C\x85 " : "\xE2\x9D\x8C ")
      << "cfdeploy: " << markdown_code(input.step) << " " << (ok ? "succeeded" : "failed")
      << "\n\n";
}

void write_urls(std::ostream& out, const SummaryInput& input) {
  std::vector<std::string> urls = input.deployed.urls;
  if (urls.empty() && !input.deployment_url.empty()) {
    urls.push_back(input.deployment_url);
  }
  for (size_t i = 0; i < urls.size(); ++i) {
    out << (i == 0 ? "Deployed to " : ", ") << markdown_url(urls[i]);
  }
  if (!urls.empty()) {
    out << "\n\n";
  }
}

// A list, not a table: a value shown as a code span may hold a `|`, which would split a row.
void write_deployed(std::ostream& out, const DeployedFacts& deployed) {
  std::vector<std::pair<const char*, std::string>> rows;
  if (!deployed.worker_name.empty()) {
    rows.emplace_back("Worker", markdown_code(deployed.worker_name));
  }
  if (!deployed.alias_url.empty()) {
    rows.emplace_back("Alias", markdown_url(deployed.alias_url));
  }
  if (!deployed.version_id.empty()) {
    rows.emplace_back("Version", markdown_code(deployed.version_id));
  }
  if (!deployed.commit.empty()) {
    rows.emplace_back("Commit", markdown_code(deployed.commit));
  }
  for (const auto& [name, value] : rows) {
    out << "- " << name << ": " << value << "\n";
  }
  if (!rows.empty()) {
    out << "\n";
  }
}

void write_facts(std::ostream& out, const SummaryInput& input) {
  const std::optional<Finding>& primary = input.verdict->primary;
  std::string failure_class = primary ? std::string(to_string(primary->entry->failure_class)) : "-";
  std::string code = primary && primary->code ? std::to_string(*primary->code) : "-";
  out << "| Class | Code | Attempts | Duration | Exit status |\n|---|---|---|---|---|\n";
  out << "| " << failure_class << " | " << code << " | "
      << (input.attempts > 0 ? std::to_string(input.attempts) : "-") << " | "
      << (input.attempts > 0 ? seconds_text(input.duration) : "-") << " | "
      << (input.attempts > 0 ? std::to_string(input.exit_code) : "-") << " |\n\n";
  write_urls(out, input);
  if (input.verdict->migrations_applied > 0) {
    out << input.verdict->migrations_applied << " migration(s) applied.\n\n";
  }
}

// The catalogue's own text holds Markdown (code spans), so it is only HTML-escaped.
void write_fix(std::ostream& out, const Finding& finding) {
  const CatalogueEntry& entry = *finding.entry;
  out << "**" << escape_html(entry.title) << "**";
  if (!finding.migration.empty()) {
    out << " in " << markdown_code(finding.migration);
  }
  out << "\n\n### How to fix it\n\n";
  for (const std::string& step : entry.guidance) {
    out << "- [ ] " << escape_html(step) << "\n";
  }
  out << "\nMore: " << entry.docs << "\n\n";
}

void write_permissions(std::ostream& out, const CatalogueEntry& entry) {
  if (!is_credential_class(entry.failure_class) && entry.permissions.empty()) {
    return;
  }
  out << "### Token permissions\n\n"
      << "Set them in My Profile \xE2\x80\xBA API Tokens, for the account that owns the "
         "resource. This error involves the ones in bold.\n\n"
      << "| Permission | Needed for |\n|---|---|\n";
  for (const PermissionRow& row : k_permission_table) {
    bool involved = false;
    for (const std::string& permission : entry.permissions) {
      involved = involved || permission == row.permission;
    }
    std::string name =
        involved ? "**" + std::string(row.permission) + "**" : std::string(row.permission);
    out << "| " << name << " | " << row.needed_for << " |\n";
  }
  out << "\n";
}

// The links that make a credential fix, in the order a person follows them.
void write_fix_links(std::ostream& out, const SummaryInput& input, const CatalogueEntry& entry) {
  bool account_owned =
      input.diagnosis != nullptr && input.diagnosis->token && input.diagnosis->token->account_owned;
  std::vector<Fix> fixes = credential_fixes(entry, input.step, input.github_run, account_owned);
  for (const Fix& fix : fixes) {
    out << "- " << markdown_link(fix.title, fix.url);
    if (!fix.command.empty()) {
      out << ", or " << markdown_code(fix.command);
    }
    out << "\n";
  }
  if (!fixes.empty()) {
    out << "\n";
  }
}

void write_error_lines(std::ostream& out, const Verdict& verdict) {
  std::string lines;
  auto add = [&lines](const Finding& finding) {
    if (lines.size() < k_max_error_lines_bytes) {
      // Redacted before the cut, which could leave part of a token behind.
      lines += evidence_place(finding, "line") + ": " + redact_secrets(finding.evidence) + "\n";
    }
  };
  add(*verdict.primary);
  for (const Finding& other : verdict.others) {
    add(other);
  }
  size_t count = 1 + verdict.others.size() + verdict.others_dropped;
  out << "<details><summary>Error lines (" << count << ")</summary>\n\n<pre>"
      << escape_html(lines.substr(0, k_max_error_lines_bytes)) << "</pre>\n\n</details>\n\n";
}

std::string code_list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : ", ") + markdown_code(name);
  }
  return text;
}

void write_restore_commands(std::ostream& out, const TimeTravelFacts& facts,
                            const std::string& bookmark) {
  out << "- "
      << markdown_code(wrangler_restore_command(facts.database, bookmark, facts.environment))
      << "\n- "
      << markdown_code(cfdeploy_restore_command(facts.database, bookmark, facts.environment))
      << "\n\n";
}

// The restore from this workflow, for one that takes restore-bookmark and environment inputs
// as the example db-migrate.yml does.
void write_dispatch_link(std::ostream& out, const GithubRun& run, const TimeTravelFacts& facts) {
  std::optional<std::string> page = workflow_page_url(run);
  if (!page) {
    return;
  }
  std::string command = "gh workflow run " + *workflow_file(run) + " -f database=" + facts.database;
  if (!facts.environment.empty()) {
    command += " -f environment=" + facts.environment;
  }
  command += " -f restore-bookmark=" + facts.bookmark;
  out << "If this workflow has a `restore-bookmark` input (as the example `db-migrate.yml` "
         "does), run it with the bookmark: "
      << markdown_link("Run workflow", *page) << ", or " << markdown_code(command) << "\n\n";
}

// A restore: where the database is now, and how to go back.
void write_restored(std::ostream& out, const TimeTravelFacts& facts) {
  if (!facts.restored_to.empty()) {
    out << "Restored " << markdown_code(facts.database) << " to bookmark "
        << markdown_code(facts.restored_to) << ".\n\n";
  }
  if (!facts.previous_bookmark.empty()) {
    out << "### Undo this restore\n\nThe bookmark before the restore was "
        << markdown_code(facts.previous_bookmark) << ". To go back to it:\n\n";
    write_restore_commands(out, facts, facts.previous_bookmark);
  }
}

// The migrations the run found pending, in order, and whether the apply found others.
void write_plan(std::ostream& out, const MigrationPlanFacts& plan) {
  out << "### Plan\n\n";
  if (plan.planned.empty()) {
    out << "No migrations were pending.\n\n";
  }
  for (size_t i = 0; i < plan.planned.size(); ++i) {
    out << (i + 1) << ". " << markdown_code(plan.planned[i]) << "\n";
  }
  if (!plan.planned.empty()) {
    out << "\n";
  }
  if (plan.changed()) {
    const std::vector<std::string>& found = *plan.at_apply;
    out << "> [!WARNING]\n> The pending migrations changed between the plan and the apply: "
           "another job may have migrated the database meanwhile. The apply found "
        << (found.empty() ? "none" : code_list(found)) << ".\n\n";
  }
}

// A failed migration run: what it changed before it stopped.
void write_migrations_outcome(std::ostream& out, const Verdict& verdict) {
  if (verdict.ok || !verdict.primary || verdict.primary->migration.empty()) {
    return;
  }
  const std::vector<std::string>& applied = verdict.applied_migrations;
  out << "Applied in this run: " << (applied.empty() ? "none" : code_list(applied))
      << ". Failed: " << markdown_code(verdict.primary->migration)
      << "; it and the migrations after it were not applied.\n\n";
}

// A remote migration: the bookmark taken before it, as the way to undo it.
void write_undo(std::ostream& out, const SummaryInput& input) {
  const TimeTravelFacts& facts = *input.time_travel;
  if (facts.restore) {
    write_restored(out, facts);
    return;
  }
  bool ok = input.verdict->ok;
  if (facts.bookmark.empty()) {
    out << "> [!WARNING]\n> No restore point was recorded: "
        << markdown_text(facts.bookmark_problem) << "\n\n";
    return;
  }
  out << (ok ? "### Undo this run\n\n" : "### Restore the database\n\n") << "Before this run "
      << markdown_code(facts.database) << " was at Time Travel bookmark "
      << markdown_code(facts.bookmark) << " (kept for 30 days). "
      << (ok ? "To undo the run, restore it:" : "To put it back as it was before this run:")
      << "\n\n";
  write_restore_commands(out, facts, facts.bookmark);
  write_dispatch_link(out, input.github_run, facts);
}

}  // namespace

std::string job_summary_markdown(const SummaryInput& input) {
  std::ostringstream out;
  write_headline(out, input);
  if (input.plan != nullptr) {
    write_plan(out, *input.plan);
  }
  write_facts(out, input);
  if (input.verdict->ok && input.attempts > 0) {
    write_deployed(out, input.deployed);
  }
  write_migrations_outcome(out, *input.verdict);
  if (input.time_travel != nullptr) {
    write_undo(out, input);
  }
  if (input.verdict->primary) {
    if (input.diagnosis != nullptr) {
      out << diagnosis_markdown(*input.diagnosis);
    }
    write_fix(out, *input.verdict->primary);
    const CatalogueEntry& entry = *input.verdict->primary->entry;
    write_permissions(out, entry);
    write_fix_links(out, input, entry);
    if (!input.retry_note.empty()) {
      out << "_" << markdown_text(input.retry_note) << "_\n\n";
    }
    write_error_lines(out, *input.verdict);
  }
  if (!input.wrangler_version.empty()) {
    out << "wrangler " << markdown_text(input.wrangler_version) << "\n";
  }
  std::string markdown = out.str();
  if (markdown.size() > k_max_summary_bytes) {
    markdown.resize(k_max_summary_bytes);
    markdown += "\n\n(cut at 1 MB)\n";
  }
  return markdown;
}

}  // namespace cfdeploy
