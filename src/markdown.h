// Values written into the job summary's Markdown, escaped by where they go.
// GitHub renders the summary as GitHub Flavored Markdown with some HTML, so a
// value must not be able to start a heading, a list or a table row, close a
// code span, or become a link (by brackets, angle brackets or GFM's
// autolinks of `www.`, `http://` and e-mail addresses). Each function first
// redacts the raw value (secrets.h), then escapes it, and joins every line
// of it into one: no value can start a line of its own.
#pragma once

#include <string>
#include <string_view>

namespace cfdeploy {

/// Text in a paragraph, list item, heading, emphasis, link text or table
/// cell: every ASCII punctuation character backslash-escaped (`\|` included,
/// which GFM reads as a pipe inside a cell), so it shows as itself and means
/// nothing.
std::string markdown_text(std::string_view text);

/// An inline code span holding `text` literally: fenced with more backticks
/// than any run inside it. Not for table cells, where GFM splits the row at a
/// `|` before it sees the span: use markdown_text there.
std::string markdown_code(std::string_view text);

/// A fenced code block holding the lines of `text` literally, `info` ("diff") after the
/// opening fence: fenced with more backticks than any run inside, so no line of it can close
/// the block early; control characters other than line breaks and tabs become spaces.
std::string markdown_code_block(std::string_view text, std::string_view info);

/// A link to `url` when it is an http(s) URL made only of the characters a
/// URL may hold (RFC 3986), shown as itself (`<url>`); anything else as an
/// inline code span, which no renderer makes a link.
std::string markdown_url(std::string_view url);

/// A link to `url` named by `text` (escaped as markdown_text) when markdown_url would
/// make `url` a link and it holds no parenthesis; otherwise the text, then the URL as
/// markdown_url shows it.
std::string markdown_link(std::string_view text, std::string_view url);

/// Text inside an HTML element such as <pre>: `& < > "` as entities, and `|`
/// so it cannot split a table cell.
std::string escape_html(std::string_view text);

}  // namespace cfdeploy
