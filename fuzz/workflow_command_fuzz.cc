// The workflow-command encoder (annotation_command, add_mask_command). A command must be one
// line as the runner reads stdout (one "\n", at the end; no "\r", which also ends a line
// there), and decoding it the way the runner does (ActionCommand.TryParseV2) must give back
// what was encoded.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "workflow_commands.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

struct RunnerCommand {
  std::string name;
  std::map<std::string, std::string> properties;
  std::string data;
};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The runner's unescaping: one pass per token, in this order, "%25" last.
std::string unescape(std::string text, bool property) {
  text = replace_all(std::move(text), "%0D", "\r");
  text = replace_all(std::move(text), "%0A", "\n");
  if (property) {
    text = replace_all(std::move(text), "%3A", ":");
    text = replace_all(std::move(text), "%2C", ",");
  }
  return replace_all(std::move(text), "%25", "%");
}

// The line breaks other than CR and LF that the encoder sends as a newline (%0A), since no
// escape carries them: VT, FF, NEL, U+2028, U+2029. The length of one at the start, or 0.
size_t other_line_break(std::string_view text) {
  for (std::string_view line_break : {"\v", "\f", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (text.starts_with(line_break)) {
      return line_break.size();
    }
  }
  return 0;
}

// The C0 controls other than TAB, CR and LF, which the encoder sends as U+FFFD.
bool is_replaced_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 && c != '\t' && c != '\r' && c != '\n';
}

// What the runner decodes for `text`: the text with those line breaks as "\n" and those
// controls as U+FFFD. With
// `raw_length` set to a length of that result, it says how many bytes of `text` gave it.
std::string runner_text(std::string_view text, size_t stop_at = std::string::npos,
                        size_t* raw_length = nullptr) {
  std::string out;
  size_t i = 0;
  while (i < text.size() && out.size() < stop_at) {
    size_t length = other_line_break(text.substr(i));
    if (length > 0) {
      out += '\n';
      i += length;
    } else if (is_replaced_control(text[i])) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out += text[i++];
    }
  }
  if (raw_length != nullptr) {
    *raw_length = i;
  }
  return out;
}

// The UTF-8 length of `c` when it is one .NET white-space character (Char.IsWhiteSpace),
// else 0.
size_t dotnet_space(std::string_view c) {
  // clang-format off
  static constexpr std::string_view k_spaces[] = {
      " ", "\t", "\n", "\v", "\f", "\r", "\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80",
      "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
      "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89",
      "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F",
      "\xE3\x80\x80"};
  // clang-format on
  for (std::string_view space : k_spaces) {
    if (c == space) {
      return space.size();
    }
  }
  return 0;
}

bool ends_with_dotnet_space(std::string_view text) {
  for (size_t n = 1; n <= 3 && n <= text.size(); ++n) {
    if (dotnet_space(text.substr(text.size() - n)) != 0) {
      return true;
    }
  }
  return false;
}

// String.Trim(): .NET white space off both ends.
std::string_view dotnet_trim(std::string_view text) {
  for (size_t n = 1; n <= 3 && n <= text.size();) {
    if (dotnet_space(text.substr(0, n)) != 0) {
      text.remove_prefix(n);
      n = 1;
    } else if (dotnet_space(text.substr(text.size() - n)) != 0) {
      text.remove_suffix(n);
      n = 1;
    } else {
      ++n;
    }
  }
  return text;
}

// ActionCommand.TryParseV2 on one line of output (no line terminator).
std::optional<RunnerCommand> runner_parse(std::string_view line) {
  if (!line.starts_with("::")) {
    return std::nullopt;
  }
  size_t end = line.find("::", 2);
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view info = line.substr(2, end - 2);
  size_t space = info.find(' ');
  RunnerCommand command{std::string(info.substr(0, space)), {}, {}};
  if (space != std::string_view::npos && space > 0) {
    std::string_view rest = dotnet_trim(info.substr(space + 1));
    while (
        !rest.empty()) {  // Split(',', RemoveEmptyEntries), then Split('=', 2, RemoveEmptyEntries)
      std::string_view item = rest.substr(0, rest.find(','));
      rest.remove_prefix(std::min(rest.size(), item.size() + 1));
      size_t equals = item.find('=');
      if (equals == 0 || equals == std::string_view::npos) {
        continue;
      }
      std::string_view value = item.substr(equals);
      value.remove_prefix(std::min(value.size(), value.find_first_not_of('=')));
      if (!value.empty()) {
        command.properties[std::string(item.substr(0, equals))] =
            unescape(std::string(value), true);
      }
    }
  }
  command.data = unescape(std::string(line.substr(end + 2)), false);
  return command;
}

RunnerCommand decode(const std::string& output) {
  check(output.find('\n') == output.size() - 1, "exactly one newline, at the end");
  check(output.find('\r') == std::string::npos, "no carriage return");
  std::optional<RunnerCommand> command =
      runner_parse(std::string_view(output).substr(0, output.size() - 1));
  check(command.has_value(), "the runner sees a command");
  return *command;
}

// What the runner's format cannot carry in a property value: leading '=' (dropped by its
// Split) and, in the last property, trailing white space (its Trim). No escape exists for
// either, so these values are only checked for not breaking the command.
bool runner_can_carry(std::string_view value, bool last) {
  return !value.starts_with('=') && !(last && ends_with_dotnet_space(value));
}

void check_property(const RunnerCommand& command, const char* key, const std::string& value,
                    bool last) {
  auto found = command.properties.find(key);
  if (value.empty()) {
    check(found == command.properties.end(), "an empty property is left out");
  } else if (runner_can_carry(value, last)) {
    check(found != command.properties.end() && found->second == runner_text(value),
          "a property round-trips");
  }
}

void check_annotation(const Annotation& annotation) {
  RunnerCommand command = decode(annotation_command(annotation));
  const char* names[] = {"error", "warning", "notice"};
  check(command.name == names[static_cast<int>(annotation.level)], "the level is the command");
  bool has_line = annotation.line > 0;
  check_property(command, "title", annotation.title, annotation.file.empty() && !has_line);
  check_property(command, "file", annotation.file, !has_line);
  auto line = command.properties.find("line");
  check(has_line
            ? line != command.properties.end() && line->second == std::to_string(annotation.line)
            : line == command.properties.end(),
        "the line round-trips");
  for (const auto& [key, value] : command.properties) {
    check(key == "title" || key == "file" || key == "line", "no property appears from nowhere");
  }
  const std::string& message = annotation.message;
  // The cap counts the message with its controls as U+FFFD, three bytes each.
  size_t shown_size = message.size();
  for (char c : message) {
    shown_size += is_replaced_control(c) && c != '\v' && c != '\f' ? 2 : 0;
  }
  if (shown_size <= k_max_annotation_message) {
    check(command.data == runner_text(message), "the message round-trips");
    return;
  }
  // Cut: a prefix of the message that splits no UTF-8 sequence, then a note, within the cap.
  constexpr std::string_view k_note = "\n… (cut; the job summary has the rest)";
  check(command.data.size() <= k_max_annotation_message && command.data.ends_with(k_note),
        "a long message is cut and says so");
  size_t kept_text = command.data.size() - k_note.size();
  size_t kept = 0;
  std::string prefix = runner_text(message, kept_text, &kept);
  check(prefix.size() == kept_text && command.data.compare(0, kept_text, prefix) == 0,
        "the cut keeps a prefix");
  check((static_cast<unsigned char>(message[kept]) & 0xC0) != 0x80, "no cut inside UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  if (input.ConsumeBool()) {
    // A secret that is masked in pieces stays visible: the mask must carry it whole.
    std::string secret = input.ConsumeRemainingBytesAsString();
    std::string output = add_mask_command(secret);
    check(secret.empty() == output.empty(), "only an empty value gives no mask");
    if (!secret.empty()) {
      RunnerCommand command = decode(output);
      check(command.name == "add-mask" && command.data == secret, "the mask round-trips");
    }
    return 0;
  }
  Annotation annotation;
  annotation.level = input.PickValueInArray(
      {AnnotationLevel::error, AnnotationLevel::warning, AnnotationLevel::notice});
  annotation.line = input.ConsumeIntegral<int>();
  annotation.title = input.ConsumeRandomLengthString(300);
  annotation.file = input.ConsumeRandomLengthString(300);
  annotation.message = input.ConsumeRemainingBytesAsString();
  check_annotation(annotation);
  return 0;
}
