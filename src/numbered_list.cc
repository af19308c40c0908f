#include "numbered_list.h"

namespace cfdeploy {
namespace {

std::string numbered(size_t index, const std::string& item) {
  return std::to_string(index + 1) + ". " + item;
}

}  // namespace

std::string numbered_lines(const std::vector<std::string>& items, std::string_view indent) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    text.append(indent).append(numbered(i, items[i])).append("\n");
  }
  return text;
}

std::string numbered_lines_after(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    text += "\n" + numbered(i, items[i]);
  }
  return text;
}

}  // namespace cfdeploy
