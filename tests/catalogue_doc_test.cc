#include "catalogue_doc.h"

#include <gtest/gtest.h>

#include "support/fixtures.h"

namespace cfdeploy {
namespace {

TEST(CatalogueDoc, DocsErrorsMdIsUpToDate) {
  std::string committed = testing::read_source_file("docs/errors.md");
  EXPECT_TRUE(committed == catalogue_markdown(builtin_catalogue()))
      << "docs/errors.md is stale: regenerate it with\n"
         "  build/src/cfdeploy codes --format md > docs/errors.md";
}

TEST(CatalogueDoc, MarkdownHasARowAndASectionPerEntry) {
  std::string markdown = catalogue_markdown(builtin_catalogue());
  for (const CatalogueEntry& entry : builtin_catalogue().entries()) {
    EXPECT_NE(markdown.find("| [`" + entry.id + "`](#" + entry.id + ")"), std::string::npos)
        << entry.id;
    EXPECT_NE(markdown.find("\n### " + entry.id + "\n"), std::string::npos) << entry.id;
  }
}

TEST(CatalogueDoc, TableCellsEscapePipes) {
  Result<Catalogue> catalogue = Catalogue::from_json(R"({"entries": [
    {"id": "pipe", "match": ["a|b"], "class": "config", "title": "x | y", "guidance": ["g"],
     "docs": "https://example.test/"}]})");
  ASSERT_TRUE(catalogue.ok());
  std::string markdown = catalogue_markdown(catalogue.value());
  EXPECT_NE(markdown.find("x \\| y"), std::string::npos);
  EXPECT_NE(markdown.find("`a\\|b`"), std::string::npos);
}

TEST(CatalogueDoc, JsonListsEveryEntryWithItsFields) {
  nlohmann::json json = catalogue_json(builtin_catalogue());
  ASSERT_EQ(json["entries"].size(), builtin_catalogue().entries().size());
  for (const auto& item : json["entries"]) {
    for (const char* field :
         {"id", "codes", "class", "retryable", "title", "guidance", "permissions", "docs"}) {
      EXPECT_TRUE(item.contains(field)) << item["id"] << " lacks " << field;
    }
  }
}

}  // namespace
}  // namespace cfdeploy
