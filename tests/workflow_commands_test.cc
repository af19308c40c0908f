#include "workflow_commands.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

// The runner's decoding (ActionCommand.cs): %0D, %0A, then %25 last.
std::string runner_unescape(std::string text, bool property) {
  auto replace_all = [&text](const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  };
  replace_all("%0D", "\r");
  replace_all("%0A", "\n");
  if (property) {
    replace_all("%3A", ":");
    replace_all("%2C", ",");
  }
  replace_all("%25", "%");
  return text;
}

TEST(WorkflowCommands, EscapesDataLikeTheToolkit) {
  EXPECT_EQ(escape_data("50% done: a,b\nnext\r"), "50%25 done: a,b%0Anext%0D");
}

TEST(WorkflowCommands, EscapesPropertiesLikeTheToolkit) {
  EXPECT_EQ(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
}

TEST(WorkflowCommands, EscapingRoundTripsThroughTheRunnersDecoder) {
  for (std::string text : {"%0A literal", "100%", "a\r\nb", "%%25%0D", "x:y,z", "::error::x"}) {
    EXPECT_EQ(runner_unescape(escape_data(text), false), text);
    EXPECT_EQ(runner_unescape(escape_property(text), true), text);
  }
}

TEST(WorkflowCommands, NoMessageCanStartASecondCommand) {
  std::string command = workflow_command("error", {}, "x\n::add-mask::y\r\n##[error]z");
  EXPECT_EQ(command.find('\n'), command.size() - 1);
  EXPECT_EQ(command.find('\r'), std::string::npos);
}

TEST(WorkflowCommands, AnnotationWithFileLineAndTitle) {
  Annotation annotation{AnnotationLevel::error, "cfdeploy: authorization, code 7403",
                        "wrangler.toml", 7, "Add Account › D1 › Edit"};
  EXPECT_EQ(annotation_command(annotation),
            "::error title=cfdeploy%3A authorization%2C code 7403,file=wrangler.toml,line=7::"
            "Add Account › D1 › Edit\n");
}

TEST(WorkflowCommands, AnnotationLeavesOutEmptyProperties) {
  EXPECT_EQ(annotation_command({AnnotationLevel::warning, "", "", 0, "m"}), "::warning::m\n");
}

TEST(WorkflowCommands, LongAnnotationMessagesAreCutWithANote) {
  std::string command =
      annotation_command({AnnotationLevel::error, "", "", 0, std::string(10000, 'x')});
  EXPECT_LT(command.size(), 4096u);
  EXPECT_NE(command.find("cut; the job summary has the rest"), std::string::npos);
}

TEST(WorkflowCommands, MasksAndStopCommands) {
  EXPECT_EQ(add_mask_command("tok\nen"), "::add-mask::tok%0Aen\n");
  EXPECT_EQ(add_mask_command(""), "");
  EXPECT_EQ(stop_commands("abc"), "::stop-commands::abc\n");
  EXPECT_EQ(resume_commands("abc"), "::abc::\n");
}

TEST(WorkflowCommands, RandomTokensAreHex) {
  unsigned char next = 0;
  std::string token = random_hex_token([&next](unsigned char* bytes, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      bytes[i] = next++;
    }
  });
  EXPECT_EQ(token, "000102030405060708090a0b0c0d0e0f");
}

TEST(WorkflowCommands, OutputEntryIsAHeredoc) {
  EXPECT_EQ(output_entry("outcome", "failure", [] { return std::string("EOF_1"); }),
            "outcome<<EOF_1\nfailure\nEOF_1\n");
}

TEST(WorkflowCommands, OutputEntryDrawsAnotherDelimiterWhenTheValueHoldsIt) {
  std::vector<std::string> delimiters = {"D1", "D2"};
  size_t next = 0;
  std::string entry = output_entry("x", "line\nD1\nmore", [&] { return delimiters[next++]; });
  EXPECT_EQ(entry, "x<<D2\nline\nD1\nmore\nD2\n");
}

TEST(WorkflowCommands, OutputEntryKeepsAnEmptyValue) {
  EXPECT_EQ(output_entry("url", "", [] { return std::string("D"); }), "url<<D\n\nD\n");
}

}  // namespace
}  // namespace cfdeploy
