#include "core/config/yaml_document.h"

#include <exception>
#include <optional>
#include <sstream>
#include <string>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

namespace loom::config {
namespace {

SourcePosition PositionOf(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return SourcePosition{};
  return SourcePosition{mark.line + 1, mark.column + 1};
}

// Notes where a document's content starts, ignoring documents that hold
// nothing but a null (what "---" followed by nothing produces).
class ContentFinder : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> content() const { return content_; }

  void OnDocumentStart(const YAML::Mark&) override { content_.reset(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Saw(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    Saw(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Saw(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Saw(mark);
  }
  void OnMapEnd() override {}

 private:
  void Saw(const YAML::Mark& mark) {
    if (!content_) content_ = mark;
  }

  std::optional<YAML::Mark> content_;
};

// Walks the documents after the first one, looking for one with content.
// yaml-cpp 0.7's LoadAll never terminates on some inputs (a lone "," makes
// it return empty documents forever), so the walk is bounded: a few empty
// documents in a row are all a real file has.
std::optional<YAML::Mark> FindSecondDocument(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  ContentFinder finder;
  if (!parser.HandleNextDocument(finder)) return std::nullopt;  // the first document
  for (int i = 0; i < 8 && parser.HandleNextDocument(finder); ++i) {
    if (finder.content()) return finder.content();
  }
  return std::nullopt;
}

}  // namespace

Result<YAML::Node> LoadSingleDocument(std::string_view text, const SourceMap& sources) {
  std::string copy(text);
  YAML::Node root;
  std::optional<YAML::Mark> second;
  try {
    root = YAML::Load(copy);
    second = FindSecondDocument(copy);
  } catch (const YAML::DeepRecursion& e) {
    return sources.ErrorAt(PositionOf(e.mark), "", "YAML syntax error: nesting is too deep");
  } catch (const YAML::Exception& e) {
    return sources.ErrorAt(PositionOf(e.mark), "", "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    return sources.ErrorAt(SourcePosition{}, "", std::string("cannot read YAML: ") + e.what());
  }
  if (second) {
    return sources.ErrorAt(PositionOf(*second), "",
                           "a scenario file holds one YAML document, but a second one starts here");
  }
  if (root.IsNull()) {
    return sources.ErrorAt(SourcePosition{}, "",
                           "the file holds no YAML value; a scenario needs at least 'network' and 'orgs'");
  }
  return root;
}

}  // namespace loom::config
