#include "step_diagnosis.h"

#include "environment.h"
#include "http_settings.h"
#include "preflight_command.h"
#include "secrets.h"

namespace cfdeploy {

Diagnosis diagnose_step_failure(const Finding& finding, const StepProject& project,
                                std::optional<std::chrono::milliseconds> time_left,
                                Cancellation* cancellation) {
  GateStep step = project.database.empty() ? GateStep::deploy : GateStep::migrate;
  PreflightGate gate{step, project.directory, project.environment, project.database, "", false};
  PreflightInput input = read_gate_input(gate);
  std::string token = trim_http_whitespace(env_or_empty("CLOUDFLARE_API_TOKEN"));
  HttpOptions options = http_options_from_environment();
  options.token = token;
  if (time_left) {
    options.deadline = std::chrono::steady_clock::now() + *time_left;
  }
  options.cancellation = cancellation;
  Result<std::unique_ptr<CloudflareApi>> api = make_http_api(options);
  if (!api) {
    Diagnosis diagnosis;
    diagnosis.kind = diagnosis_kind(finding).value_or(DiagnosisKind::credential);
    diagnosis.could_not_check = true;
    diagnosis.conclusion = "Could not check: " + scrub_secret(api.error().message(), token) + ".";
    return diagnosis;
  }
  return diagnose_failure(*api.value(), finding, std::move(input), builtin_catalogue(),
                          env_or_empty("GITHUB_WORKSPACE"));
}

}  // namespace cfdeploy
