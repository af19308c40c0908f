#include "github_report.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>

#include "diagnosis_report.h"
#include "diagnostics.h"
#include "environment.h"
#include "numbered_list.h"

namespace cfdeploy {
namespace {

std::string annotation_title(const Finding& finding) {
  std::string title =
      "cfdeploy: " + std::string(to_string(finding.entry->failure_class)) + " error";
  if (finding.code) {
    title += " (code " + std::to_string(*finding.code) + ")";
  }
  return title;
}

std::string annotation_message(const Finding& finding, bool with_fix) {
  const CatalogueEntry& entry = *finding.entry;
  std::string message = entry.title;
  if (!finding.migration.empty()) {
    message += " in " + finding.migration;
  }
  message += "\n\nEvidence (" + evidence_place(finding) + "): " + finding.evidence;
  if (!with_fix) {
    return message;
  }
  message += "\n\nHow to fix it:" + numbered_lines_after(entry.guidance);
  return message + "\n\nMore: " + entry.docs;
}

Annotation annotation_for(const Finding& finding, AnnotationLevel level, const Locator& locate) {
  Annotation annotation{level, annotation_title(finding), "", 0,
                        annotation_message(finding, level == AnnotationLevel::error)};
  if (std::optional<SourceLocation> where = locate ? locate(finding) : std::nullopt) {
    annotation.file = where->file;
    annotation.line = where->line;
  }
  return annotation;
}

void os_random_bytes(unsigned char* bytes, size_t size) {
  std::random_device device;
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<unsigned char>(device());
  }
}

}  // namespace

bool running_on_github() { return env_or_empty("GITHUB_ACTIONS") == "true"; }

std::vector<Annotation> build_annotations(const Verdict& verdict, const Locator& locate,
                                          const Diagnosis* diagnosis) {
  std::vector<Annotation> annotations;
  if (!verdict.primary) {
    return annotations;
  }
  annotations.push_back(annotation_for(*verdict.primary, AnnotationLevel::error, locate));
  size_t warnings_left = k_max_annotations_per_level;
  if (diagnosis != nullptr) {
    std::string& message = annotations.front().message;
    size_t fix = message.find("\n\nHow to fix it:");
    message.insert(fix == std::string::npos ? message.size() : fix,
                   "\n\nDiagnosis: " + diagnosis->conclusion);
    if (diagnosis->config_fix) {
      annotations.push_back(config_fix_annotation(*diagnosis->config_fix));
      --warnings_left;
    }
  }
  size_t total_others = verdict.others.size() + verdict.others_dropped;
  size_t shown = total_others > warnings_left ? warnings_left - 1 : total_others;
  for (size_t i = 0; i < shown && i < verdict.others.size(); ++i) {
    annotations.push_back(annotation_for(verdict.others[i], AnnotationLevel::warning, locate));
  }
  if (shown < total_others) {
    annotations.push_back({AnnotationLevel::warning, "cfdeploy: more errors", "", 0,
                           std::to_string(total_others - shown) +
                               " more errors in the log: see the job summary and the step log."});
  }
  return annotations;
}

StepOutputs outputs_for(const Verdict& verdict) {
  StepOutputs outputs;
  outputs.outcome = verdict.ok ? "success" : "failure";
  outputs.migrations_applied = verdict.migrations_applied;
  if (verdict.primary) {
    outputs.error_class = to_string(verdict.primary->entry->failure_class);
    outputs.error_code = verdict.primary->code ? std::to_string(*verdict.primary->code) : "";
    outputs.retryable = verdict.primary->entry->retryable;
  }
  return outputs;
}

GithubReporter::GithubReporter(std::ostream& out, std::string output_path, std::string summary_path,
                               RandomBytes random_bytes)
    : m_out(out),
      m_output_path(std::move(output_path)),
      m_summary_path(std::move(summary_path)),
      m_random_bytes(std::move(random_bytes)) {}

GithubReporter GithubReporter::from_environment(std::ostream& out) {
  GithubReporter reporter(out, env_or_empty("GITHUB_OUTPUT"), env_or_empty("GITHUB_STEP_SUMMARY"),
                          os_random_bytes);
  reporter.m_run = github_run_from_env();
  return reporter;
}

void GithubReporter::start_child_output(const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    m_out << add_mask_command(secret);
  }
  m_stop_token = random_hex_token(m_random_bytes);
  m_out << stop_commands(m_stop_token) << std::flush;
}

void GithubReporter::observe(Stream stream, std::string_view bytes) {
  if (!bytes.empty()) {
    m_mid_line[static_cast<int>(stream)] = bytes.back() != '\n';
  }
}

void GithubReporter::finish_child_output() {
  if (m_stop_token.empty()) {
    return;
  }
  // The token only counts at the start of a line.
  if (m_mid_line[static_cast<int>(Stream::out)]) {
    m_out << "\n";
  }
  m_out << resume_commands(m_stop_token) << std::flush;
  m_stop_token.clear();
}

void GithubReporter::print_in_window(std::string_view text) {
  m_out << text << std::flush;
  observe(Stream::out, text);
}

void GithubReporter::print_quoted(std::string_view text, const std::vector<std::string>& secrets) {
  start_child_output(secrets);
  print_in_window(text);
  finish_child_output();
}

void GithubReporter::report(const SummaryInput& summary, const StepOutputs& outputs,
                            const Locator& locate) {
  annotate(build_annotations(*summary.verdict, locate, summary.diagnosis));
  write_outputs({
      {"outcome", outputs.outcome},
      {"error-class", outputs.error_class},
      {"error-code", outputs.error_code},
      {"retryable", outputs.retryable ? "true" : "false"},
      {"attempts", std::to_string(outputs.attempts)},
      {"exit-code", std::to_string(outputs.exit_code)},
      {"deployment-url", outputs.deployment_url},
      {"version-id", outputs.version_id},
      {"pages-deployment-id", outputs.pages.deployment_id},
      {"pages-deployment-alias-url", outputs.pages.alias_url},
      {"pages-environment", outputs.pages.environment},
      {"migrations-applied", std::to_string(outputs.migrations_applied)},
      {"report", outputs.report_path},
      {"restore-bookmark", outputs.restore_bookmark},
      {"pending-migrations", outputs.pending_migrations},
  });
  SummaryInput with_run = summary;
  with_run.github_run = m_run;
  write_summary(job_summary_markdown(with_run));
}

void GithubReporter::annotate(const std::vector<Annotation>& annotations) {
  for (const Annotation& annotation : annotations) {
    m_out << annotation_command(annotation);
  }
  m_out << std::flush;
}

void GithubReporter::write_outputs(
    const std::vector<std::pair<std::string, std::string>>& outputs) {
  auto delimiter = [this] { return "ghadelimiter_" + random_hex_token(m_random_bytes); };
  std::string entries;
  for (const auto& [name, value] : outputs) {
    entries += output_entry(name, value, delimiter);
  }
  append_to(m_output_path, "GITHUB_OUTPUT", entries);
}

void GithubReporter::write_summary(const std::string& markdown) {
  append_to(m_summary_path, "GITHUB_STEP_SUMMARY", markdown);
}

void GithubReporter::append_to(const std::string& path, const std::string& variable,
                               const std::string& text) {
  if (path.empty()) {
    print_warning(variable + " is not set, so it was not written");
    return;
  }
  errno = 0;
  std::ofstream file(path, std::ios::app | std::ios::binary);
  int failure = file ? 0 : errno;  // why it would not open
  file << text;                    // redacted by its writers, before they escaped it
  file.close();
  if (!file && failure == 0) {
    failure = errno;  // why writing or closing failed
  }
  if (!file) {
    std::string reason = failure != 0 ? ": " + system_error_text(failure) : "";
    print_warning("could not write to " + variable + " ('" + path + "')" + reason);
  }
}

}  // namespace cfdeploy
