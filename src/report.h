// Turning a Verdict into what people and programs read: a JSON object with
// stable field names, and a plain-text explanation with numbered fix steps.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "classifier.h"

namespace cfdeploy {

/// The `explain --format json` object (the field names are a public contract).
nlohmann::json verdict_to_json(const Verdict& verdict);

struct TextStyle {
  bool color = false;
};

/// The `explain` text for a person: what failed, why, and how to fix it.
std::string verdict_to_text(const Verdict& verdict, TextStyle style);

}  // namespace cfdeploy
