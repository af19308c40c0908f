#include "markdown.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(MarkdownLink, AnHttpsUrlBecomesANamedLinkWithEscapedText) {
  EXPECT_EQ(markdown_link("this [run]", "https://github.com/acme/notes/actions/runs/1"),
            "[this \\[run\\]](https://github.com/acme/notes/actions/runs/1)");
}

TEST(MarkdownLink, AUrlThatCouldCloseTheLinkIsShownInstead) {
  EXPECT_EQ(markdown_link("docs", "https://example.com/a)b"), "docs <https://example.com/a)b>");
  EXPECT_EQ(markdown_link("docs", "javascript:alert(1)"), "docs `javascript:alert(1)`");
  EXPECT_EQ(markdown_link("docs", "https://example.com/a b"), "docs `https://example.com/a b`");
}

TEST(MarkdownLink, ATokenInTheUrlIsRedacted) {
  setenv("CLOUDFLARE_API_TOKEN", "secret-token-42", 1);
  std::string link = markdown_link("x", "https://example.com/?t=secret-token-42");
  unsetenv("CLOUDFLARE_API_TOKEN");
  EXPECT_EQ(link.find("secret-token-42"), std::string::npos) << link;
}

TEST(MarkdownCodeBlock, KeepsTheLinesAndCannotBeClosedFromInside) {
  EXPECT_EQ(markdown_code_block("a\nb", "diff"), "```diff\na\nb\n```\n");
  // A line of backticks inside gets a longer fence, so it cannot end the block.
  EXPECT_EQ(markdown_code_block("```\n# heading", ""), "````\n```\n# heading\n````\n");
  EXPECT_EQ(markdown_code_block("a\rb\x1b", ""), "```\na b \n```\n");
}

TEST(MarkdownCodeBlock, ATokenInsideIsRedacted) {
  setenv("CLOUDFLARE_API_TOKEN", "secret-token-42", 1);
  std::string block = markdown_code_block("x = \"secret-token-42\"", "");
  unsetenv("CLOUDFLARE_API_TOKEN");
  EXPECT_EQ(block.find("secret-token-42"), std::string::npos) << block;
}

}  // namespace
}  // namespace cfdeploy
