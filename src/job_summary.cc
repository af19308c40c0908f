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

void write_facts(std::ostream& out, const SummaryInput& input) {
  const std::optional<Finding>& primary = input.verdict->primary;
  std::string failure_class = primary ? std::string(to_string(primary->entry->failure_class)) : "-";
  std::string code = primary && primary->code ? std::to_string(*primary->code) : "-";
  out << "| Class | Code | Attempts | Duration | Exit status |\n|---|---|---|---|---|\n";
  out << "| " << failure_class << " | " << code << " | "
      << (input.attempts > 0 ? std::to_string(input.attempts) : "-") << " | "
      << (input.attempts > 0 ? seconds_text(input.duration) : "-") << " | "
      << (input.attempts > 0 ? std::to_string(input.exit_code) : "-") << " |\n\n";
  if (!input.deployment_url.empty()) {
    out << "Deployed to " << markdown_url(input.deployment_url) << "\n\n";
  }
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

}  // namespace

std::string job_summary_markdown(const SummaryInput& input) {
  std::ostringstream out;
  write_headline(out, input);
  write_facts(out, input);
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
