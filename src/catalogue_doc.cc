#include "catalogue_doc.h"

#include <sstream>

#include "numbered_list.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string join_numbers(const std::vector<int>& numbers) {
  std::string out;
  for (int n : numbers) {
    out += (out.empty() ? "" : ", ") + std::to_string(n);
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + ("`" + item + "`");
  }
  return out;
}

std::string what_matches(const CatalogueEntry& entry) {
  std::string out = entry.codes.empty() ? "" : "code " + join_numbers(entry.codes);
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : "; ") + part; };
  if (!entry.scope.empty()) {
    add("on `" + entry.scope + "`");
  }
  if (entry.statuses == std::vector<int>{0}) {
    add("no HTTP status printed");  // 0 stands for "none" in the catalogue
  } else if (!entry.statuses.empty()) {
    add("HTTP " + join_numbers(entry.statuses));
  }
  if (!entry.match.empty()) {
    add("text " + quoted_list(entry.match));
  }
  return out;
}

void write_table(std::ostream& out, const Catalogue& catalogue) {
  out << "| Id | Matches | Class | Retry | Title |\n|---|---|---|---|---|\n";
  for (FailureClass failure_class : all_failure_classes()) {
    for (const CatalogueEntry& entry : catalogue.entries()) {
      if (entry.failure_class != failure_class) {
        continue;
      }
      out << "| [`" << entry.id << "`](#" << entry.id << ") | " << escape_cell(what_matches(entry))
          << " | " << to_string(entry.failure_class) << " | " << (entry.retryable ? "yes" : "no")
          << " | " << escape_cell(entry.title) << " |\n";
    }
  }
}

void write_entry(std::ostream& out, const CatalogueEntry& entry) {
  out << "\n### " << entry.id << "\n\n" << entry.title << "\n\n";
  out << "- Matches: " << what_matches(entry) << "\n";
  out << "- Class: `" << to_string(entry.failure_class) << "`, "
      << (entry.retryable ? "retried" : "never retried") << "\n";
  if (!entry.permissions.empty()) {
    out << "- Permissions: ";
    for (size_t i = 0; i < entry.permissions.size(); ++i) {
      out << (i ? ", " : "") << entry.permissions[i];
    }
    out << "\n";
  }
  out << "- Docs: <" << entry.docs << ">\n\nFix:\n\n";
  out << numbered_lines(entry.guidance);
}

json entry_json(const CatalogueEntry& entry) {
  json item = {
      {"id", entry.id},
      {"codes", entry.codes},
      {"class", to_string(entry.failure_class)},
      {"retryable", entry.retryable},
      {"title", entry.title},
      {"guidance", entry.guidance},
      {"permissions", entry.permissions},
      {"docs", entry.docs},
  };
  if (!entry.scope.empty()) {
    item["scope"] = entry.scope;
  }
  if (!entry.match.empty()) {
    item["match"] = entry.match;
  }
  if (!entry.statuses.empty()) {
    item["statuses"] = entry.statuses;
  }
  return item;
}

}  // namespace

std::string catalogue_markdown(const Catalogue& catalogue) {
  std::ostringstream out;
  out << "# Error catalogue\n\n"
      << "Generated from `src/catalogue.json` by `cfdeploy codes --format md`; do not edit by "
         "hand (a test fails when this file is stale).\n\n"
      << catalogue.entries().size() << " entries. An error box matches an entry when its first "
      << "`[code: N]`, API path, HTTP status and text fit; the most specific entry wins.\n\n";
  write_table(out, catalogue);
  for (FailureClass failure_class : all_failure_classes()) {
    bool heading_written = false;
    for (const CatalogueEntry& entry : catalogue.entries()) {
      if (entry.failure_class != failure_class) {
        continue;
      }
      if (!heading_written) {
        out << "\n## " << to_string(failure_class) << "\n";
        heading_written = true;
      }
      write_entry(out, entry);
    }
  }
  return out.str();
}

json catalogue_json(const Catalogue& catalogue) {
  json entries = json::array();
  for (const CatalogueEntry& entry : catalogue.entries()) {
    entries.push_back(entry_json(entry));
  }
  return json{{"version", 1}, {"entries", entries}};
}

}  // namespace cfdeploy
