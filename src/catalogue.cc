#include "catalogue.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "ascii_case.h"

namespace cfdeploy {

// Defined in the file CMake generates from catalogue.json.
extern const unsigned char k_catalogue_json_data[];
extern const size_t k_catalogue_json_size;

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 11> k_class_names = {
    "authentication", "authorization", "account",       "config", "not_found", "rate_limit",
    "transient",      "network",       "migration_sql", "quota",  "unknown",
};

bool is_kebab_case(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool class_may_retry(FailureClass failure_class) {
  return failure_class == FailureClass::rate_limit || failure_class == FailureClass::transient ||
         failure_class == FailureClass::network;
}

// Reads one entry; returns a description of what is wrong, or empty.
std::string read_entry(const json& item, CatalogueEntry& entry) {
  entry.id = item.value("id", "");
  entry.codes = item.value("codes", std::vector<int>{});
  entry.scope = item.value("scope", "");
  entry.statuses = item.value("statuses", std::vector<int>{});
  entry.match = item.value("match", std::vector<std::string>{});
  for (const std::string& needle : entry.match) {
    entry.match_lower.push_back(to_lower(needle));
  }
  std::optional<FailureClass> failure_class = parse_failure_class(item.value("class", ""));
  entry.retryable = item.value("retryable", false);
  entry.title = item.value("title", "");
  entry.guidance = item.value("guidance", std::vector<std::string>{});
  entry.permissions = item.value("permissions", std::vector<std::string>{});
  entry.docs = item.value("docs", "");

  if (!is_kebab_case(entry.id)) {
    return "'id' must be lower-case kebab-case";
  }
  if (!failure_class || *failure_class == FailureClass::unknown) {
    return "'class' must be one of the failure classes other than 'unknown'";
  }
  entry.failure_class = *failure_class;
  if (entry.codes.empty() && entry.match.empty()) {
    return "an entry without 'codes' needs 'match' strings";
  }
  if (std::any_of(entry.match.begin(), entry.match.end(),
                  [](const auto& m) { return m.empty(); })) {
    return "'match' strings must not be empty";
  }
  if (entry.retryable && !class_may_retry(entry.failure_class)) {
    return "only rate_limit, transient and network entries may be 'retryable'";
  }
  if (entry.title.empty() || entry.guidance.empty()) {
    return "'title' and 'guidance' must not be empty";
  }
  if (entry.docs.rfind("https://", 0) != 0) {
    return "'docs' must be an https:// link";
  }
  return {};
}

int specificity(const CatalogueEntry& entry) {
  return (entry.codes.empty() ? 0 : 8) + (entry.statuses.empty() ? 0 : 4) +
         (entry.scope.empty() ? 0 : 2) + (entry.match.empty() ? 0 : 1);
}

bool matches(const CatalogueEntry& entry, const ErrorFacts& facts, std::string_view lower_text) {
  auto contains = [](const std::vector<int>& list, std::optional<int> value) {
    return value && std::find(list.begin(), list.end(), *value) != list.end();
  };
  if (!entry.codes.empty() && !contains(entry.codes, facts.code)) {
    return false;
  }
  // Status 0 in an entry stands for "no status printed".
  if (!entry.statuses.empty() && !contains(entry.statuses, facts.status.value_or(0))) {
    return false;
  }
  if (!entry.scope.empty() && facts.resource.find(entry.scope) == std::string::npos) {
    return false;
  }
  if (entry.match.empty()) {
    return true;
  }
  return std::any_of(
      entry.match_lower.begin(), entry.match_lower.end(),
      [&](const std::string& needle) { return lower_text.find(needle) != std::string_view::npos; });
}

}  // namespace

bool is_credential_class(FailureClass failure_class) {
  return failure_class == FailureClass::authentication ||
         failure_class == FailureClass::authorization;
}

std::string_view to_string(FailureClass failure_class) {
  return k_class_names[static_cast<size_t>(failure_class)];
}

std::optional<FailureClass> parse_failure_class(std::string_view name) {
  auto it = std::find(k_class_names.begin(), k_class_names.end(), name);
  if (it == k_class_names.end()) {
    return std::nullopt;
  }
  return static_cast<FailureClass>(it - k_class_names.begin());
}

const std::vector<FailureClass>& all_failure_classes() {
  static const std::vector<FailureClass> k_all = [] {
    std::vector<FailureClass> all;
    for (size_t i = 0; i < k_class_names.size(); ++i) {
      all.push_back(static_cast<FailureClass>(i));
    }
    return all;
  }();
  return k_all;
}

Result<Catalogue> Catalogue::from_json(std::string_view json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.contains("entries") || !document["entries"].is_array()) {
    return Error{"reading the catalogue", "not a JSON object with an 'entries' array"};
  }
  Catalogue catalogue;
  std::set<std::string> seen_ids;
  for (const json& item : document["entries"]) {
    CatalogueEntry entry;
    std::string problem = item.is_object() ? "" : "entry is not an object";
    try {
      if (problem.empty()) {
        problem = read_entry(item, entry);
      }
    } catch (const json::exception& e) {
      problem = std::string("a field has the wrong type (") + e.what() + ")";
    }
    if (problem.empty() && !seen_ids.insert(entry.id).second) {
      problem = "duplicate id";
    }
    if (!problem.empty()) {
      std::string where = "catalogue entry " + std::to_string(catalogue.m_entries.size() + 1);
      if (!entry.id.empty()) {
        where += " ('" + entry.id + "')";
      }
      return Error{"reading the catalogue", where.append(": ").append(problem)};
    }
    catalogue.m_entries.push_back(std::move(entry));
  }
  return catalogue;
}

const CatalogueEntry* Catalogue::best_match(const ErrorFacts& facts) const {
  std::string lower_text = to_lower(facts.text);
  const CatalogueEntry* best = nullptr;
  int best_score = -1;
  for (const CatalogueEntry& entry : m_entries) {
    int score = specificity(entry);
    if (score > best_score && matches(entry, facts, lower_text)) {
      best = &entry;
      best_score = score;
    }
  }
  return best;
}

const CatalogueEntry& Catalogue::unknown_entry() {
  static const CatalogueEntry k_unknown = [] {
    CatalogueEntry entry;
    entry.id = "unknown";
    entry.failure_class = FailureClass::unknown;
    entry.title = "An error the catalogue does not know";
    entry.guidance = {
        "Read the error lines quoted in the evidence: wrangler states the cause there.",
        "If it names an API path and a [code: N], look the code up in Cloudflare's API "
        "documentation for that product.",
        "If you think cfdeploy should recognise it, add an entry to src/catalogue.json.",
    };
    entry.docs = "https://developers.cloudflare.com/workers/wrangler/";
    return entry;
  }();
  return k_unknown;
}

std::string_view builtin_catalogue_json() {
  return {reinterpret_cast<const char*>(k_catalogue_json_data), k_catalogue_json_size};
}

const Catalogue& builtin_catalogue() {
  static const Catalogue k_catalogue = [] {
    Result<Catalogue> loaded = Catalogue::from_json(builtin_catalogue_json());
    if (!loaded) {
      // The build's catalogue test keeps this from shipping; fail loudly if it does.
      std::cerr << "cfdeploy: internal error: " << loaded.error().message() << "\n";
      std::abort();
    }
    return std::move(loaded.value());
  }();
  return k_catalogue;
}

}  // namespace cfdeploy
