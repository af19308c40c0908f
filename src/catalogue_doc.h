// The catalogue as documentation: the Markdown of docs/errors.md and the JSON
// of `cfdeploy codes --format json`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "catalogue.h"

namespace cfdeploy {

std::string catalogue_markdown(const Catalogue& catalogue);

nlohmann::json catalogue_json(const Catalogue& catalogue);

}  // namespace cfdeploy
