#include "workflow_commands.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

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

TEST(WorkflowCommands, NulAndOtherControlsBecomeTheReplacementCharacter) {
  std::string raw = std::string("a") + '\0' + "b\x01\x1B[31mc\td";
  EXPECT_EQ(escape_data(raw),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD[31mc\td");
  EXPECT_EQ(escape_property(raw),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD[31mc\td");
  std::string command = annotation_command(
      {AnnotationLevel::error, std::string("t") + '\0', "f", 0, std::string("m") + '\0' + "n"});
  EXPECT_EQ(command.find('\0'), std::string::npos) << command;
  EXPECT_EQ(command, "::error title=t\xEF\xBF\xBD,file=f::m\xEF\xBF\xBDn\n");
}

TEST(WorkflowCommands, AMaskKeepsItsValueExactly) {
  std::string secret = std::string("s") + '\x01' + "t";
  EXPECT_EQ(add_mask_command(secret), "::add-mask::" + secret + "\n");
}

TEST(WorkflowCommands, NoMessageCanStartASecondCommand) {
  std::string command = workflow_command("error", {}, "x\n::add-mask::y\r\n##[error]z");
  EXPECT_EQ(command.find('\n'), command.size() - 1);
  EXPECT_EQ(command.find('\r'), std::string::npos);
}

// The runner ends a line at CR, LF and CRLF (StreamReader.ReadLine); the rest
// are line breaks to other readers of the log (Unicode's mandatory breaks).
const std::vector<std::string> k_line_breaks = {"\r", "\n",       "\r\n",         "\v",
                                                "\f", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"};

TEST(WorkflowCommands, EveryLineBreakInAnAnnotationBecomesAnEscapedNewline) {
  for (const std::string& line_break : k_line_breaks) {
    std::string command =
        annotation_command({AnnotationLevel::error, "t" + line_break + "u", "f" + line_break + "g",
                            3, "a" + line_break + "::warning::b"});
    EXPECT_EQ(command.find('\n'), command.size() - 1) << testing::PrintToString(line_break);
    EXPECT_EQ(command.find('\r'), std::string::npos);
    for (const std::string& other : k_line_breaks) {
      EXPECT_EQ(command.substr(0, command.size() - 1).find(other), std::string::npos)
          << testing::PrintToString(line_break) << " left " << testing::PrintToString(other);
    }
    std::map<std::string, std::string> runner_escapes = {{"\r", "%0D"}, {"\r\n", "%0D%0A"}};
    std::string escaped = runner_escapes.count(line_break) > 0 ? runner_escapes[line_break] : "%0A";
    EXPECT_TRUE(command.ends_with("::a" + escaped + "::warning::b\n")) << command;
  }
}

TEST(WorkflowCommands, AMaskKeepsTheLineBreaksTheRunnerDoesNotSplitAt) {
  EXPECT_EQ(add_mask_command("a\xE2\x80\xA8"
                             "b\vc\r\nd"),
            "::add-mask::a\xE2\x80\xA8"
            "b\vc%0D%0Ad\n");
}

TEST(WorkflowCommands, ALogLineShowsEveryLineBreakAndControlCharacterAsAnEscape) {
  EXPECT_EQ(escape_log_line("a\rb\nc\vd\fe\xC2\x85"
                            "f\xE2\x80\xA8g\xE2\x80\xA9h\x1B[2Ki\tj\x7F"),
            "a\\rb\\nc\\vd\\fe\\u0085f\\u2028g\\u2029h\\x1B[2Ki\tj\\x7F");
  EXPECT_EQ(escape_log_line("caf\xC3\xA9 \xE2\x80\xBA ok"), "caf\xC3\xA9 \xE2\x80\xBA ok");
}

TEST(WorkflowCommands, ALogLineCannotHoldALegacyCommandAnywhere) {
  EXPECT_EQ(escape_log_line("x ##[error]y ###[add-mask]z"), "x ##\\[error]y ###\\[add-mask]z");
  EXPECT_EQ(escape_log_line("::error::at the start"),
            "::error::at the start");  // callers prefix it
}

TEST(WorkflowCommands, LinesForPeopleCannotStartOrHoldACommand) {
  EXPECT_EQ(escape_log_lines("FAIL  title\n"
                             "      ::error::injected\n"
                             "\xC2\xA0\t::warning::y\n"
                             "ok ##[error]z\r::notice::w\n"
                             "a:: b"),
            "FAIL  title\n"
            "      \\x3A:error::injected\n"
            "\xC2\xA0\t\\x3A:warning::y\n"
            "ok ##\\[error]z\\r::notice::w\n"
            "a:: b");
  EXPECT_EQ(escape_log_lines(""), "");
  EXPECT_EQ(escape_log_lines("one\n\n"), "one\n\n");
}

TEST(WorkflowCommands, JsonForTheLogHoldsNoLegacyCommandAndMeansTheSame) {
  std::string json = R"({"evidence": "x ##[error]y ###[warning]z", "list": ["##["]})";
  std::string escaped = escape_json_for_log(json);
  EXPECT_EQ(escaped.find("##["), std::string::npos) << escaped;
  EXPECT_EQ(nlohmann::json::parse(escaped), nlohmann::json::parse(json));
  EXPECT_EQ(escaped,
            R"({"evidence": "x ##\u005berror]y ###\u005bwarning]z", "list": ["##\u005b"]})");
}

TEST(WorkflowCommands, AnnotationsAndOutputsAreRedactedBeforeTheyAreEscaped) {
  setenv("CLOUDFLARE_API_TOKEN", "tok%en,secret:42\n", 1);
  std::string command = annotation_command(
      {AnnotationLevel::error, "tok%en,secret:42", "", 0, "Bearer tok%en,secret:42\n."});
  std::string entry = output_entry("url", "tok%en,secret:42", [] { return std::string("D"); });
  unsetenv("CLOUDFLARE_API_TOKEN");
  EXPECT_EQ(command, "::error title=***::Bearer ***.\n");
  EXPECT_EQ(entry, "url<<D\n***\nD\n");
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

TEST(WorkflowCommands, TheAnnotationCapCountsControlsAsTheReplacementCharacterShown) {
  // 2000 NULs become 2000 U+FFFD, 6000 bytes shown: over the cap, so the message is cut.
  std::string command =
      annotation_command({AnnotationLevel::error, "t", "", 0, std::string(2000, '\0')});
  std::string message = command.substr(command.rfind("::") + 2);
  message.pop_back();  // the newline
  EXPECT_LE(runner_unescape(message, false).size(), k_max_annotation_message);
  EXPECT_NE(message.find("(cut; the job summary has the rest)"), std::string::npos);
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
