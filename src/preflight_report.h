// The preflight report printed: as JSON for tools, and as text for people.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "preflight.h"

namespace cfdeploy {

/// One check as the JSON report lists it.
nlohmann::json check_to_json(const CheckResult& check);

/// The report as `preflight --format json` prints it (field names are a public contract).
nlohmann::json preflight_to_json(const PreflightReport& report);

/// The report for people: one line per check, then its detail, location and fix.
std::string preflight_to_text(const PreflightReport& report);

}  // namespace cfdeploy
