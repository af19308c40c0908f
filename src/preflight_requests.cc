#include "preflight_requests.h"

#include <array>
#include <future>
#include <system_error>
#include <vector>

#include "http_settings.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

// std::async, or the same work later on this thread when no thread can be started or
// the API answers at once anyway.
template <typename Work>
auto launch_request(const CloudflareApi& api, Work work) -> std::future<decltype(work())> {
  if (api.answers_at_once()) {
    return std::async(std::launch::deferred, work);
  }
  try {
    return std::async(std::launch::async, work);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, work);
  }
}

template <typename T>
std::optional<T> await_answer(std::optional<std::future<T>>& pending) {
  if (!pending) {
    return std::nullopt;
  }
  return pending->get();
}

using PendingRequest = std::optional<std::future<ApiRequest>>;

// by id, by name, the query probe: DatabaseAnswers' order.
using PendingDatabase = std::array<PendingRequest, 3>;

// Fills the slots it sends a request for (two entries with one label share the slots).
void launch_database_requests(CloudflareApi& api, const PreflightInput& input,
                              const std::string& base, const D1DatabaseConfig& db,
                              PendingDatabase& jobs) {
  std::string path = base + "/d1/database";
  if (is_database_id(db.database_id.value)) {
    path += "/" + db.database_id.value;
    jobs[0] = launch_request(api, [&api, path] { return send_api_request(api, "GET", path); });
    if (input.d1_write) {
      jobs[2] = launch_request(api, [&api, path] {
        return send_api_request(api, "POST", path + "/query", json{{"sql", "SELECT 1"}});
      });
    }
  }
  if (!db.database_name.value.empty()) {
    std::string query = base + "/d1/database?name=" + percent_encode(db.database_name.value);
    jobs[1] = launch_request(api, [&api, query] { return send_api_request(api, "GET", query); });
  }
}

// The token and the account id are usable: everything at once.
PreflightAnswers ask_everything(CloudflareApi& api, const PreflightInput& input) {
  PreflightAnswers answers;
  answers.account_id = input.account.id;
  if (answers.account_id.empty()) {
    answers.accounts = send_api_request(api, "GET", "/accounts?per_page=50");
    const json& list = answers.accounts->response.result;
    if (answers.accounts->response.ok() && list.is_array() && list.size() == 1 &&
        list[0].is_object()) {
      answers.account_id = api_string(list[0], "id");
    }
  }
  std::string account = answers.account_id;
  bool usable = is_account_id(account);
  std::string base = "/accounts/" + account;
  auto token = launch_request(
      api, [&api, account, usable] { return verify_token(api, usable ? account : ""); });
  PendingRequest account_request, scripts;
  if (usable && !answers.accounts) {
    account_request =
        launch_request(api, [&api, base] { return send_api_request(api, "GET", base); });
  }
  if (usable && input.workers_scripts) {
    scripts = launch_request(
        api, [&api, base] { return send_api_request(api, "GET", base + "/workers/scripts"); });
  }
  PendingRequest pages_project, pages_projects;
  if (usable && input.pages && !input.pages_project.empty()) {
    std::string path = base + "/pages/projects";
    std::string project = path + "/" + percent_encode(input.pages_project);
    pages_project =
        launch_request(api, [&api, project] { return send_api_request(api, "GET", project); });
    // Asked at once too: a missing project is then told with the names it could have been.
    pages_projects =
        launch_request(api, [&api, path] { return send_api_request(api, "GET", path); });
  }
  std::map<std::string, PendingDatabase> pending;
  for (const D1DatabaseConfig& db : usable ? input.databases : std::vector<D1DatabaseConfig>{}) {
    launch_database_requests(api, input, base, db, pending[db.label()]);
  }
  answers.token = token.get();
  answers.account = await_answer(account_request);
  answers.scripts = await_answer(scripts);
  answers.pages_project = await_answer(pages_project);
  answers.pages_projects = await_answer(pages_projects);
  for (auto& [label, jobs] : pending) {
    answers.databases[label] = {await_answer(jobs[0]), await_answer(jobs[1]),
                                await_answer(jobs[2])};
  }
  return answers;
}

}  // namespace

PreflightAnswers ask_cloudflare(CloudflareApi& api, const PreflightInput& input) {
  bool usable_token = input.token == TokenPresence::set && input.token_problem.empty();
  PreflightAnswers answers;
  answers.account_id = input.account.id;
  if (usable_token && (input.account.id.empty() || is_account_id(input.account.id))) {
    answers = ask_everything(api, input);
  } else if (usable_token) {
    answers.token = verify_token(api, "");  // the account id is unusable; the token may not be
  }
  return answers;
}

}  // namespace cfdeploy
