// Everything cfdeploy says to the GitHub Actions runner goes through here:
// workflow commands (annotations, masks, stop-commands) escaped exactly as
// the toolkit does, and the heredoc entries of $GITHUB_OUTPUT.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cfdeploy {

/// Message text: % CR LF become %25 %0D %0A (% first, as the runner decodes it last).
/// The other line breaks that a viewer of the log may honour (VT, FF, NEL,
/// U+2028, U+2029) become %0A too: the runner splits lines at CR and LF only,
/// but no reader of the log must see a second line in one command.
/// NUL and the other C0 controls (TAB aside) become U+FFFD.
std::string escape_data(std::string_view text);

/// Property values: as escape_data, plus : and , become %3A and %2C.
std::string escape_property(std::string_view text);

/// `text` as one plain line of the log, for what cfdeploy itself prints
/// outside the stop-commands window: every line break and control character
/// as a visible escape (\n, \r, \u2028, \x1B, ...), and `##[` as `##\[`,
/// which the runner would take as a command anywhere in a line.
std::string escape_log_line(std::string_view text);

/// Text of several lines for people (each ended by LF), printed outside the
/// stop-commands window: each line as escape_log_line, and a line that would
/// start with `::` once the runner trims its leading white space (Unicode's
/// too) gets its first colon as `\x3A`.
std::string escape_log_lines(std::string_view text);

/// JSON text printed outside the stop-commands window: `##[` (only ever
/// inside a string) as `##\u005b`, which a JSON reader takes for the same
/// string and the runner for no command. JSON escapes every line break.
std::string escape_json_for_log(std::string_view json);

using CommandProperties = std::vector<std::pair<std::string, std::string>>;

/// `::name k=v,k=v::message` with a trailing newline; empty properties are left out.
std::string workflow_command(std::string_view name, const CommandProperties& properties,
                             std::string_view message);

enum class AnnotationLevel { error, warning, notice };

struct Annotation {
  AnnotationLevel level = AnnotationLevel::error;
  std::string title;
  std::string file;  // repository-relative where possible
  int line = 0;      // 0: none
  std::string message;
};

/// The runner truncates longer annotation messages; we cut first and say so.
inline constexpr size_t k_max_annotation_message = 4000;

/// The annotation's title, file and message are redacted (secrets.h) before
/// they are cut and escaped.
std::string annotation_command(const Annotation& annotation);

/// `::add-mask::value`; nothing for an empty value (the runner warns on it).
/// Only % CR LF are escaped: the mask must match the value exactly.
std::string add_mask_command(std::string_view value);

/// `::stop-commands::TOKEN`: until `resume_commands(TOKEN)`, nothing printed
/// (by us or the child) is taken as a command.
std::string stop_commands(std::string_view token);
std::string resume_commands(std::string_view token);

/// 32 random hex digits from `random_bytes` (a source of 16 random bytes).
std::string random_hex_token(const std::function<void(unsigned char*, size_t)>& random_bytes);

/// One `name<<DELIMITER` entry for $GITHUB_OUTPUT. The delimiter comes from
/// `make_delimiter` and is drawn again while it occurs in the value, so no
/// value can end the entry early. The value is redacted (secrets.h).
std::string output_entry(std::string_view name, std::string_view value,
                         const std::function<std::string()>& make_delimiter);

}  // namespace cfdeploy
