#include "support/findings.h"

namespace cfdeploy::testing {

Finding finding_for(std::optional<int> code, const std::string& resource, const std::string& text,
                    size_t line) {
  const CatalogueEntry* entry = builtin_catalogue().best_match({code, resource, {}, text});
  Finding finding;
  finding.entry = entry != nullptr ? entry : &Catalogue::unknown_entry();
  finding.code = code;
  finding.resource = resource;
  finding.line = line;
  finding.evidence = text;
  return finding;
}

Verdict failed_with(std::optional<int> code, const std::string& resource, const std::string& text,
                    size_t line) {
  Verdict verdict;
  verdict.ok = false;
  verdict.primary = finding_for(code, resource, text, line);
  return verdict;
}

}  // namespace cfdeploy::testing
